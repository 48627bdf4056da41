"""Plain-PyTorch reference for `npm run bench` (bench/train.bench.ts): the same encoder and the same
training step as dapt's trainer, timed the same way, so dapt's tokens/s can be checked against
PyTorch on the machine at hand.

Same as dapt (src/train): a BERT encoder (post-LayerNorm, erf GELU, dropout 0.1 on embeddings,
attention probabilities and sub-layer outputs), the MLM head (dense, GELU, LayerNorm, decoder
tied to the word embeddings plus a bias) computed at the masked positions only, cross-entropy;
the classifier (BERT pooler: tanh(dense(CLS)), dropout, linear); AdamW (beta 0.9/0.999, eps 1e-8,
weight decay 0.01 except biases and LayerNorm weights), global-norm clipping at 1.0. Batches are
synthetic, full length, 15% of inner tokens masked 80/10/10 as in src/train/synthetic.ts.

Usage: python3 torch_step.py --case tiny:mlm:128:32 --config '{"layers":2,"hidden":128,"heads":2,"ff":512,"vocab":30522}' [--quick]
Prints one JSON line. Threads: DAPT_THREADS, else every core (as dapt).

Not run where it was written: that machine had no PyTorch (and no PyPI access to install it).
"""
import argparse
import json
import math
import os
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

MAX_POSITIONS = 512
TYPE_VOCAB = 2
DROPOUT = 0.1
LN_EPS = 1e-12
INIT_STD = 0.02
FIRST_ORDINARY_ID = 5  # [PAD] 0, [UNK] 1, [CLS] 2, [SEP] 3, [MASK] 4, as dapt's synthetic batches
CLS, SEP, MASK = 2, 3, 4
MASK_PROB = 0.15
LABELS = 2


class Layer(nn.Module):
    def __init__(self, hidden, heads, ff):
        super().__init__()
        self.heads = heads
        self.query = nn.Linear(hidden, hidden)
        self.key = nn.Linear(hidden, hidden)
        self.value = nn.Linear(hidden, hidden)
        self.attn_out = nn.Linear(hidden, hidden)
        self.attn_norm = nn.LayerNorm(hidden, eps=LN_EPS)
        self.ff_in = nn.Linear(hidden, ff)
        self.ff_out = nn.Linear(ff, hidden)
        self.ff_norm = nn.LayerNorm(hidden, eps=LN_EPS)
        self.drop = nn.Dropout(DROPOUT)

    def forward(self, x, bias):
        b, s, h = x.shape
        q, k, v = (proj(x).view(b, s, self.heads, h // self.heads).transpose(1, 2) for proj in (self.query, self.key, self.value))
        scores = q @ k.transpose(-1, -2) / math.sqrt(h // self.heads) + bias
        probs = self.drop(scores.softmax(-1))
        ctx = (probs @ v).transpose(1, 2).reshape(b, s, h)
        x = self.attn_norm(x + self.drop(self.attn_out(ctx)))
        return self.ff_norm(x + self.drop(self.ff_out(F.gelu(self.ff_in(x)))))


class Encoder(nn.Module):
    def __init__(self, vocab, hidden, layers, heads, ff, labels=None):
        super().__init__()
        self.word = nn.Embedding(vocab, hidden)
        self.position = nn.Embedding(MAX_POSITIONS, hidden)
        self.token_type = nn.Embedding(TYPE_VOCAB, hidden)
        self.emb_norm = nn.LayerNorm(hidden, eps=LN_EPS)
        self.drop = nn.Dropout(DROPOUT)
        self.layers = nn.ModuleList(Layer(hidden, heads, ff) for _ in range(layers))
        if labels is None:
            self.mlm_dense = nn.Linear(hidden, hidden)
            self.mlm_norm = nn.LayerNorm(hidden, eps=LN_EPS)
            self.mlm_bias = nn.Parameter(torch.zeros(vocab))
        else:
            self.pooler = nn.Linear(hidden, hidden)
            self.classifier = nn.Linear(hidden, labels)
        for m in self.modules():
            if isinstance(m, (nn.Linear, nn.Embedding)):
                nn.init.normal_(m.weight, std=INIT_STD)
            if isinstance(m, nn.Linear):
                nn.init.zeros_(m.bias)

    def encode(self, ids, key_mask):
        b, s = ids.shape
        positions = torch.arange(s).expand(b, s)
        x = self.drop(self.emb_norm(self.word(ids) + self.position(positions) + self.token_type(torch.zeros_like(ids))))
        bias = ((1.0 - key_mask) * -1e9)[:, None, None, :]
        for layer in self.layers:
            x = layer(x, bias)
        return x

    def mlm_loss(self, ids, key_mask, masked, labels):
        hidden = self.encode(ids, key_mask)
        rows = hidden.reshape(-1, hidden.shape[-1])[masked]  # masked positions only
        t = self.mlm_norm(F.gelu(self.mlm_dense(rows)))
        return F.cross_entropy(t @ self.word.weight.t() + self.mlm_bias, labels)

    def class_loss(self, ids, key_mask, labels):
        first = self.encode(ids, key_mask)[:, 0]
        return F.cross_entropy(self.classifier(self.drop(torch.tanh(self.pooler(first)))), labels)


def mlm_batch(vocab, batch, seq, gen):
    ids = torch.randint(FIRST_ORDINARY_ID, vocab, (batch, seq), generator=gen)
    ids[:, 0], ids[:, -1] = CLS, SEP
    inner = torch.zeros(batch, seq, dtype=torch.bool)
    inner[:, 1:-1] = True
    selected = (torch.rand(batch, seq, generator=gen) < MASK_PROB) & inner
    labels = ids[selected].clone()
    r = torch.rand(batch, seq, generator=gen)
    ids[selected & (r < 0.8)] = MASK
    random_ids = torch.randint(FIRST_ORDINARY_ID, vocab, (batch, seq), generator=gen)
    swap = selected & (r >= 0.8) & (r < 0.9)
    ids[swap] = random_ids[swap]
    masked = selected.reshape(-1).nonzero().squeeze(1)
    return ids, torch.ones(batch, seq), masked, labels


def class_batch(vocab, batch, seq, gen):
    ids = torch.randint(FIRST_ORDINARY_ID, vocab, (batch, seq), generator=gen)
    ids[:, 0], ids[:, -1] = CLS, SEP
    return ids, torch.ones(batch, seq), torch.randint(0, LABELS, (batch,), generator=gen)


def optimizer(model):
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        (no_decay if name.endswith('bias') or 'norm' in name else decay).append(p)
    return torch.optim.AdamW([{'params': decay, 'weight_decay': 0.01}, {'params': no_decay, 'weight_decay': 0.0}], lr=1e-4, betas=(0.9, 0.999), eps=1e-8)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--case', required=True)
    parser.add_argument('--config', required=True)
    parser.add_argument('--quick', action='store_true')
    args = parser.parse_args()
    name, task, seq, batch = args.case.split(':')
    seq, batch = int(seq), int(batch)
    c = json.loads(args.config)
    threads = int(os.environ.get('DAPT_THREADS') or os.cpu_count() or 1)
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    gen = torch.Generator().manual_seed(1)
    model = Encoder(c['vocab'], c['hidden'], c['layers'], c['heads'], c['ff'], None if task == 'mlm' else LABELS)
    model.train()
    opt = optimizer(model)
    batches = [mlm_batch(c['vocab'], batch, seq, gen) if task == 'mlm' else class_batch(c['vocab'], batch, seq, gen) for _ in range(4)]
    warmup, timed = (1, 3) if args.quick else (2, 10)
    times, loss = [], float('nan')
    for i in range(warmup + timed):
        b = batches[i % len(batches)]
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        out = model.mlm_loss(*b) if task == 'mlm' else model.class_loss(*b)
        out.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        loss = out.item()
        if i >= warmup:
            times.append((time.perf_counter() - t0) * 1000)
    ms = statistics.median(times)
    print(json.dumps({
        'bench': 'train-torch', 'config': name, 'task': task, 'seq': seq, 'batch': batch, 'steps': timed,
        'tokens_per_s': round(batch * seq * 1000 / ms), 'step_ms_median': round(ms), 'final_loss': round(loss, 4),
        'torch': torch.__version__, 'threads': threads,
    }))


if __name__ == '__main__':
    main()
