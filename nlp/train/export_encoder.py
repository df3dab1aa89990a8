"""Cuts the shipped intent model's ONNX graph at the encoder's last layer norm and saves it as a
transformers.js `feature-extraction` model (output `last_hidden_state`), for measuring whether the
NLU's encoder helps retrieval (`npm run bench:retrieval`). Not a shipped model: by that benchmark
it does not (see README, Benchmarks).

    /usr/bin/python3 nlp/train/export_encoder.py [--src data/models/intent] [--out var/encoder]
"""
import argparse
import json
import os
import shutil

import onnx
import onnx.helper as oh

HIDDEN = "/enc/ln_out/Add_1_output_0"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--src", default="data/models/intent")
    ap.add_argument("--out", default="var/encoder")
    a = ap.parse_args()
    model = onnx.load(os.path.join(a.src, "onnx", "model.onnx"))
    graph = model.graph
    if not any(HIDDEN in n.output for n in graph.node):
        raise SystemExit(f"{a.src}: no tensor {HIDDEN}; was the model trained by nlp/train/train_models.py?")
    graph.node.append(oh.make_node("Identity", [HIDDEN], ["last_hidden_state"]))
    del graph.output[:]
    graph.output.append(oh.make_tensor_value_info("last_hidden_state", onnx.TensorProto.FLOAT, ["batch", "sequence", None]))
    # Drop the classification head: keep only nodes the new output needs.
    needed, keep = {"last_hidden_state"}, []
    for node in reversed(graph.node):
        if any(o in needed for o in node.output):
            keep.append(node)
            needed.update(node.input)
    del graph.node[:]
    graph.node.extend(reversed(keep))
    kept_inits = [i for i in graph.initializer if i.name in needed]
    del graph.initializer[:]
    graph.initializer.extend(kept_inits)
    os.makedirs(os.path.join(a.out, "onnx"), exist_ok=True)
    onnx.save(model, os.path.join(a.out, "onnx", "model.onnx"))
    for f in ("tokenizer.json", "tokenizer_config.json"):
        shutil.copy(os.path.join(a.src, f), os.path.join(a.out, f))
    with open(os.path.join(a.src, "config.json")) as fh:
        config = json.load(fh)
    config["architectures"] = ["BertModel"]
    config.pop("id2label", None)
    config.pop("label2id", None)
    with open(os.path.join(a.out, "config.json"), "w") as fh:
        json.dump(config, fh, indent=2)
    print(f"encoder written to {a.out} ({os.path.getsize(os.path.join(a.out, 'onnx', 'model.onnx'))} bytes)")


if __name__ == "__main__":
    main()
