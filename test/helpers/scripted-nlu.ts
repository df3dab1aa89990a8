import type { Entity, IntentName, Nlu, NluResult } from '../../nlp/types.js';
import { KeywordNlu } from './keyword-nlu.js';

/** The keyword NLU, except for the texts given: those get the intent and confidence a real model might guess. */
export class ScriptedNlu implements Nlu {
  private readonly base = new KeywordNlu();
  constructor(private readonly guesses: Record<string, { intent: IntentName; confidence: number; entities?: Entity[] }>) {}

  async parse(text: string): Promise<NluResult> {
    const parsed = await this.base.parse(text);
    const guess = this.guesses[parsed.text.toLowerCase()];
    return guess ? { ...parsed, ...guess } : parsed;
  }
}
