import { DiscordApiError, type FieldError } from './errors.js';
import type { JsonObject } from './types.js';

/** Discord's documented size limits for messages, embeds, components and commands. */
export const DiscordLimits = {
  content: 2_000, embeds: 10, embedTotal: 6_000, embedTitle: 256, embedDescription: 4_096, embedFields: 25,
  fieldName: 256, fieldValue: 1_024, footerText: 2_048, authorName: 256,
  actionRows: 5, buttonsPerRow: 5, buttonLabel: 80, customId: 100, selectOptions: 25, selectPlaceholder: 150, selectOptionText: 100,
  commands: 100, commandName: 32, commandDescription: 100, commandOptions: 25, choices: 25,
} as const;

/** Flag 1 << 15: the message uses the newer component layout, which this server does not check. */
const ComponentsV2Flag = 1 << 15;
type Path = (string | number)[];

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

class Checker {
  readonly errors: FieldError[] = [];

  maxLength(path: Path, value: unknown, max: number): void {
    if (typeof value === 'string' && [...value].length > max) this.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`);
  }

  length(path: Path, value: unknown, min: number, max: number): void {
    const n = typeof value === 'string' ? [...value].length : -1;
    if (n < min || n > max) this.add(path, 'BASE_TYPE_BAD_LENGTH', `Must be between ${min} and ${max} in length.`);
  }

  maxItems(path: Path, value: unknown, max: number): void {
    if (Array.isArray(value) && value.length > max) this.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`);
  }

  add(path: Path, code: string, message: string): void {
    this.errors.push({ path: [...path], code, message });
  }

  throwIfAny(): void {
    if (this.errors.length > 0) throw new DiscordApiError('invalidFormBody', this.errors);
  }
}

/** Checks a message create/edit body; throws 50035 (or 50006 for an empty create). */
export function validateMessageBody(body: JsonObject, creating: boolean): void {
  const c = new Checker();
  c.maxLength(['content'], body.content, DiscordLimits.content);
  const embeds = Array.isArray(body.embeds) ? body.embeds : [];
  c.maxItems(['embeds'], body.embeds, DiscordLimits.embeds);
  let total = 0;
  embeds.forEach((e: unknown, i) => {
    if (!isObject(e)) return c.add(['embeds', i], 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
    const footer = isObject(e.footer) ? e.footer : {};
    const author = isObject(e.author) ? e.author : {};
    c.maxLength(['embeds', i, 'title'], e.title, DiscordLimits.embedTitle);
    c.maxLength(['embeds', i, 'description'], e.description, DiscordLimits.embedDescription);
    c.maxLength(['embeds', i, 'footer', 'text'], footer.text, DiscordLimits.footerText);
    c.maxLength(['embeds', i, 'author', 'name'], author.name, DiscordLimits.authorName);
    c.maxItems(['embeds', i, 'fields'], e.fields, DiscordLimits.embedFields);
    total += [...str(e.title)].length + [...str(e.description)].length + [...str(footer.text)].length + [...str(author.name)].length;
    (Array.isArray(e.fields) ? e.fields : []).forEach((f: unknown, j) => {
      const field = isObject(f) ? f : {};
      c.length(['embeds', i, 'fields', j, 'name'], field.name, 1, DiscordLimits.fieldName);
      c.length(['embeds', i, 'fields', j, 'value'], field.value, 1, DiscordLimits.fieldValue);
      total += [...str(field.name)].length + [...str(field.value)].length;
    });
  });
  if (total > DiscordLimits.embedTotal) c.add(['embeds'], 'MAX_EMBED_SIZE_EXCEEDED', `Embed size exceeds maximum size of ${DiscordLimits.embedTotal}`);
  const flags = typeof body.flags === 'number' ? body.flags : 0;
  if ((flags & ComponentsV2Flag) === 0) validateComponents(c, body.components);
  c.throwIfAny();
  const empty = str(body.content) === '' && embeds.length === 0 && !(Array.isArray(body.components) && body.components.length > 0)
    && !(Array.isArray(body.attachments) && body.attachments.length > 0) && !(Array.isArray(body.sticker_ids) && body.sticker_ids.length > 0);
  if (creating && empty) throw new DiscordApiError('emptyMessage');
}

function validateComponents(c: Checker, components: unknown): void {
  if (components === undefined || components === null) return;
  if (!Array.isArray(components)) return c.add(['components'], 'BASE_TYPE_ARRAY', 'Must be an array.');
  c.maxItems(['components'], components, DiscordLimits.actionRows);
  components.forEach((row: unknown, i) => {
    if (!isObject(row) || row.type !== 1) return c.add(['components', i, 'type'], 'COMPONENT_LAYOUT_WIDTH_EXCEEDED', 'Top-level components must be action rows.');
    const children = Array.isArray(row.components) ? row.components : [];
    const selects = children.filter((x: unknown) => isObject(x) && typeof x.type === 'number' && x.type >= 3 && x.type <= 8 && x.type !== 4);
    if (children.length === 0 || children.length > DiscordLimits.buttonsPerRow || (selects.length > 0 && children.length > 1)) {
      c.add(['components', i, 'components'], 'COMPONENT_LAYOUT_WIDTH_EXCEEDED', 'The specified component exceeds the maximum width');
    }
    children.forEach((x: unknown, j) => {
      const p: Path = ['components', i, 'components', j];
      if (!isObject(x)) return c.add(p, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
      if (x.type === 2) {
        c.maxLength([...p, 'label'], x.label, DiscordLimits.buttonLabel);
        if (x.style === 5) {
          if (typeof x.url !== 'string') c.add([...p, 'url'], 'BASE_TYPE_REQUIRED', 'This field is required');
          if (x.custom_id !== undefined) c.add([...p, 'custom_id'], 'COMPONENT_CUSTOM_ID_NOT_ALLOWED', 'A custom id is not allowed on a link button');
        } else if (x.style !== 6) {
          c.length([...p, 'custom_id'], x.custom_id, 1, DiscordLimits.customId);
        }
      } else if (selects.includes(x)) {
        c.length([...p, 'custom_id'], x.custom_id, 1, DiscordLimits.customId);
        c.maxLength([...p, 'placeholder'], x.placeholder, DiscordLimits.selectPlaceholder);
        if (x.type === 3) {
          const options = Array.isArray(x.options) ? x.options : [];
          if (options.length < 1 || options.length > DiscordLimits.selectOptions) {
            c.add([...p, 'options'], 'BASE_TYPE_BAD_LENGTH', `Must be between 1 and ${DiscordLimits.selectOptions} in length.`);
          }
          options.forEach((o: unknown, k) => {
            const opt = isObject(o) ? o : {};
            c.length([...p, 'options', k, 'label'], opt.label, 1, DiscordLimits.selectOptionText);
            c.length([...p, 'options', k, 'value'], opt.value, 1, DiscordLimits.selectOptionText);
          });
        }
      } else {
        c.add([...p, 'type'], 'BASE_TYPE_CHOICES', 'Value must be one of {2, 3, 5, 6, 7, 8}.');
      }
    });
  });
}

/** Discord's rule for command and option names: lowercase, 1-32 word characters or dashes. */
const NamePattern = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

/** Checks a bulk-overwrite (or single) command list; throws 50035 with the offending paths. */
export function validateCommands(commands: unknown): JsonObject[] {
  const c = new Checker();
  if (!Array.isArray(commands)) throw new DiscordApiError('invalidFormBody', [{ path: [], code: 'BASE_TYPE_ARRAY', message: 'Must be an array.' }]);
  c.maxItems([], commands, DiscordLimits.commands);
  const seen = new Set<string>();
  commands.forEach((cmd: unknown, i) => {
    if (!isObject(cmd)) return c.add([i], 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
    const type = cmd.type ?? 1;
    checkName(c, [i, 'name'], cmd.name, type === 1);
    const key = `${String(type)}:${str(cmd.name)}`;
    if (seen.has(key)) c.add([i, 'name'], 'APPLICATION_COMMANDS_DUPLICATE_NAME', `Application command names must be unique`);
    seen.add(key);
    if (type === 1) c.length([i, 'description'], cmd.description, 1, DiscordLimits.commandDescription);
    else if (str(cmd.description) !== '') c.add([i, 'description'], 'APPLICATION_COMMAND_DESCRIPTION_NOT_ALLOWED', 'Description must be empty');
    checkOptions(c, [i, 'options'], cmd.options);
  });
  c.throwIfAny();
  return commands as JsonObject[];
}

function checkName(c: Checker, path: Path, name: unknown, chatInput: boolean): void {
  const s = str(name);
  const ok = chatInput ? NamePattern.test(s) && s === s.toLowerCase() : s.length >= 1 && s.length <= DiscordLimits.commandName;
  if (!ok) c.add(path, 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
}

function checkOptions(c: Checker, path: Path, options: unknown): void {
  if (options === undefined) return;
  if (!Array.isArray(options)) return c.add(path, 'BASE_TYPE_ARRAY', 'Must be an array.');
  c.maxItems(path, options, DiscordLimits.commandOptions);
  let optionalSeen = false;
  options.forEach((o: unknown, k) => {
    const p: Path = [...path, k];
    if (!isObject(o)) return c.add(p, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
    if (typeof o.type !== 'number' || !Number.isInteger(o.type) || o.type < 1 || o.type > 11) {
      c.add([...p, 'type'], 'BASE_TYPE_CHOICES', 'Value must be one of {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}.');
    }
    checkName(c, [...p, 'name'], o.name, true);
    c.length([...p, 'description'], o.description, 1, DiscordLimits.commandDescription);
    if (o.required === true && optionalSeen) {
      c.add([...p, 'required'], 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID', 'Required options must be placed before non-required options');
    }
    if (o.required !== true) optionalSeen = true;
    c.maxItems([...p, 'choices'], o.choices, DiscordLimits.choices);
    if (o.type === 1 || o.type === 2) checkOptions(c, [...p, 'options'], o.options);
  });
}
