"""Build a tiny random Llama model and a locally trained tokenizer, with no hub access.

    python runners/build_tiny_model.py --out DIR [--corpus FILE ...] [--vocab 2000] [--seed 0]

For CPU smoke tests and the quickstart: a LlamaForCausalLM with hidden size 64 and 2 layers
(~0.3 M parameters) and a byte-level BPE tokenizer of ~2,000 tokens trained with `tokenizers` on
the given text files (JSON/JSONL records are read as text: every string value becomes a line);
without --corpus, on this file's own source (what ablate's `builtin:tiny-llama` model uses).
Saved as a PreTrainedTokenizerFast with eos and pad tokens (LLaMA-Factory otherwise adds a token
and resizes the vocabulary) and model_input_names input_ids + attention_mask (generation rejects
token_type_ids). No chat template: ablate sets LLaMA-Factory's `template` explicitly.
The same inputs and seed give the same files.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

SPECIAL_TOKENS = ["<|begin_of_text|>", "<|end_of_text|>", "<|pad|>", "<|unk|>"]


def corpus_lines(paths: list[str]) -> list[str]:
    """Text of the corpus files; string values of JSON/JSONL records, other files line by line."""
    lines: list[str] = []

    def strings(value: object) -> None:
        if isinstance(value, str):
            if value:
                lines.append(value)
        elif isinstance(value, dict):
            for key in sorted(value):
                strings(value[key])
        elif isinstance(value, list):
            for item in value:
                strings(item)

    for path in paths:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
        if path.endswith(".json"):
            strings(json.loads(text))
        elif path.endswith(".jsonl"):
            for line in text.splitlines():
                if line.strip():
                    strings(json.loads(line))
        else:
            lines.extend(line for line in text.splitlines() if line)
    return lines


def build_tokenizer(lines: list[str], vocab_size: int):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE(unk_token=None, byte_fallback=False))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.post_processor = processors.ByteLevel(trim_offsets=False)
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        min_frequency=2,
        special_tokens=SPECIAL_TOKENS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(lines, trainer=trainer, length=len(lines))
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        bos_token="<|begin_of_text|>",
        eos_token="<|end_of_text|>",
        pad_token="<|pad|>",
        unk_token="<|unk|>",
        model_input_names=["input_ids", "attention_mask"],
        clean_up_tokenization_spaces=False,
    )
    fast.padding_side = "right"
    return fast


def build_model(tokenizer, seed: int, hidden: int, layers: int, max_positions: int):
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(seed)
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=hidden,
        intermediate_size=hidden * 2,
        num_hidden_layers=layers,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=max_positions,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        tie_word_embeddings=True,
        torch_dtype="float32",
    )
    model = LlamaForCausalLM(config)
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    model.generation_config.eos_token_id = tokenizer.eos_token_id
    model.generation_config.bos_token_id = tokenizer.bos_token_id
    return model


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="output folder (created)")
    parser.add_argument("--corpus", nargs="+", default=[os.path.abspath(__file__)], help="text / JSON / JSONL files to train the tokenizer on (default: this file)")
    parser.add_argument("--vocab", type=int, default=2000)
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--max-positions", type=int, default=2048)
    parser.add_argument("--seed", type=int, default=0)
    opts = parser.parse_args()

    lines = corpus_lines(opts.corpus)
    if not lines:
        print("build_tiny_model: the corpus files hold no text", file=sys.stderr)
        return 2
    tokenizer = build_tokenizer(lines, opts.vocab)
    tokenizer.model_max_length = opts.max_positions
    model = build_model(tokenizer, opts.seed, opts.hidden, opts.layers, opts.max_positions)
    os.makedirs(opts.out, exist_ok=True)
    tokenizer.save_pretrained(opts.out)
    model.save_pretrained(opts.out, safe_serialization=True)
    params = sum(p.numel() for p in model.parameters())
    print(json.dumps({"out": os.path.abspath(opts.out), "vocab_size": len(tokenizer), "parameters": params}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
