/**
 * Tiny llama-architecture models, generated deterministically (no weights can be downloaded
 * here): a "random" one for speed tests, and a "script" one whose reply to any prompt is one
 * known text followed by EOS, at any temperature, so tests can assert the exact streamed text.
 */
import type { TensorType } from './ggml-quant';
import type { GgufFile, GgufMetadata, GgufTensor, GgufValue, RowFunction } from './gguf-writer';
import { GGUF_ALIGNMENT, rowChunks } from './gguf-writer';
import { fillUniform, rngFor } from './prng';
import { scriptWeights } from './script-weights';
import { buildVocab, splitScript } from './vocab';

export interface LlamaModelParams {
  name: string;
  vocab: number;
  /** n_embd */
  embd: number;
  layers: number;
  heads: number;
  headsKv: number;
  /** feed_forward_length */
  ff: number;
  /** context_length the model claims to support */
  ctx: number;
  seed: number;
  quant: TensorType;
  /** When set, a script model that replies exactly this text; otherwise random weights. */
  script?: string;
  chatTemplate?: 'chatml' | 'none';
}

/** ChatML as real models write it, so node-llama-cpp recognizes it and uses its ChatML wrapper. */
const CHATML_TEMPLATE =
  "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content']" +
  " + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}" +
  "{{ '<|im_start|>assistant\\n' }}{% endif %}";

/** llama_ftype values of general.file_type. */
const FILE_TYPE: Record<TensorType, number> = { f32: 0, q8_0: 7 };

/** Attention and FFN outputs of a script model are scaled by this, so that the residual stream
 * stays the current token's embedding and the next token depends on the current one only. */
const SCRIPT_DAMPING = 1e-4;

export function buildLlamaModel(params: LlamaModelParams): GgufFile {
  const { embd, heads, headsKv, ff, seed, quant } = params;
  if (embd % heads !== 0 || heads % headsKv !== 0) {
    throw new Error('embd must be a multiple of heads, and heads a multiple of headsKv');
  }
  const headDim = embd / heads;
  const chatml = params.chatTemplate === 'chatml';
  const script = params.script === undefined ? undefined : splitScript(params.script);
  const vocab = buildVocab({ size: params.vocab, chatml, script });

  const random = (name: string, dims: readonly [number, number], std: number): GgufTensor => ({
    name,
    dims,
    type: quant,
    data: () => {
      const rng = rngFor(seed, name);
      return rowChunks(dims[1], dims[0], (_row, out) => fillUniform(rng, out, std));
    },
  });
  const ones = (name: string): GgufTensor => ({
    name,
    dims: [embd],
    type: 'f32', // llama.cpp keeps norms in F32 in every file type
    data: () => rowChunks(1, embd, (_row, out) => out.fill(1)),
  });
  const matrix = (
    name: string,
    dims: readonly [number, number],
    rowOf: RowFunction,
  ): GgufTensor => ({
    name,
    dims,
    type: quant,
    data: () => rowChunks(dims[1], dims[0], rowOf),
  });

  const damping = script ? SCRIPT_DAMPING : 1;
  const weights = script ? scriptWeights(vocab, embd, seed) : undefined;
  const tensors: GgufTensor[] = [
    weights
      ? matrix('token_embd.weight', [embd, params.vocab], weights.embedding)
      : random('token_embd.weight', [embd, params.vocab], 1),
  ];
  for (let layer = 0; layer < params.layers; layer++) {
    const blk = `blk.${layer}`;
    tensors.push(
      ones(`${blk}.attn_norm.weight`),
      random(`${blk}.attn_q.weight`, [embd, heads * headDim], 1 / Math.sqrt(embd)),
      random(`${blk}.attn_k.weight`, [embd, headsKv * headDim], 1 / Math.sqrt(embd)),
      random(`${blk}.attn_v.weight`, [embd, headsKv * headDim], 1 / Math.sqrt(embd)),
      random(`${blk}.attn_output.weight`, [heads * headDim, embd], damping / Math.sqrt(embd)),
      ones(`${blk}.ffn_norm.weight`),
      random(`${blk}.ffn_gate.weight`, [embd, ff], 1 / Math.sqrt(embd)),
      random(`${blk}.ffn_up.weight`, [embd, ff], 1 / Math.sqrt(embd)),
      random(`${blk}.ffn_down.weight`, [ff, embd], damping / Math.sqrt(ff)),
    );
  }
  tensors.push(
    ones('output_norm.weight'),
    weights
      ? matrix('output.weight', [embd, params.vocab], weights.output)
      : random('output.weight', [embd, params.vocab], 1 / Math.sqrt(embd)),
  );

  const u32 = (value: number): GgufValue => ({ type: 'uint32', value });
  const metadata: GgufMetadata = [
    ['general.architecture', { type: 'string', value: 'llama' }],
    ['general.name', { type: 'string', value: params.name }],
    ['general.file_type', u32(FILE_TYPE[quant])],
    ['general.quantization_version', u32(2)],
    ['general.alignment', u32(GGUF_ALIGNMENT)],
    ['llama.vocab_size', u32(params.vocab)],
    ['llama.context_length', u32(params.ctx)],
    ['llama.embedding_length', u32(embd)],
    ['llama.block_count', u32(params.layers)],
    ['llama.feed_forward_length', u32(ff)],
    ['llama.attention.head_count', u32(heads)],
    ['llama.attention.head_count_kv', u32(headsKv)],
    ['llama.attention.layer_norm_rms_epsilon', { type: 'float32', value: 1e-5 }],
    ['llama.rope.dimension_count', u32(headDim)],
    ['llama.rope.freq_base', { type: 'float32', value: 10000 }],
    ['tokenizer.ggml.model', { type: 'string', value: 'llama' }],
    ['tokenizer.ggml.tokens', { type: 'string[]', value: vocab.tokens }],
    ['tokenizer.ggml.scores', { type: 'float32[]', value: vocab.scores }],
    ['tokenizer.ggml.token_type', { type: 'int32[]', value: vocab.types }],
    ['tokenizer.ggml.bos_token_id', u32(vocab.bos)],
    ['tokenizer.ggml.eos_token_id', u32(vocab.eos)],
    ['tokenizer.ggml.unknown_token_id', u32(vocab.unk)],
    ['tokenizer.ggml.add_bos_token', { type: 'bool', value: true }],
    ['tokenizer.ggml.add_eos_token', { type: 'bool', value: false }],
    ...(chatml
      ? [['tokenizer.chat_template', { type: 'string', value: CHATML_TEMPLATE }] as const]
      : []),
  ];
  return { metadata, tensors };
}
