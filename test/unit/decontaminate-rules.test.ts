import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadBenchmark } from '../../src/data/benchmarks.js';
import { decontaminate, normalizeCode } from '../../src/data/decontaminate.js';
import { recordId, type CanonicalRecord } from '../../src/data/records.js';
import { renderDatacardMarkdown, buildDatacard } from '../../src/data/datacard.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ablate-decontam-'));
const write = (name: string, body: string | Buffer): string => {
  const f = path.join(dir, name);
  writeFileSync(f, body);
  return f;
};
const mk = (instruction: string, output: string, input = ''): CanonicalRecord => ({ id: recordId(instruction, input, output), instruction, input, output, source: 's', domain: 'code' });

// A HumanEval-format file written here: two problems with real-looking prompts, solutions and tests.
const HE = [
  {
    task_id: 'HumanEval/0',
    entry_point: 'count_vowel_runs',
    prompt: 'def count_vowel_runs(text: str) -> int:\n    """ Count maximal runs of consecutive vowels in the given text, ignoring case and\n    treating y as a consonant; an empty text has no runs at all.\n    >>> count_vowel_runs("queue")\n    1\n    """\n',
    canonical_solution: "    runs = 0\n    inside = False\n    for ch in text.lower():\n        if ch in 'aeiou':\n            if not inside:\n                runs += 1\n            inside = True\n        else:\n            inside = False\n    return runs\n",
    test: "def check(candidate):\n    assert candidate('queue') == 1\n    assert candidate('beautiful day outside') == 5\n",
  },
  {
    task_id: 'HumanEval/1',
    entry_point: 'add',
    prompt: 'def add(x: int, y: int) -> int:\n    """Add two numbers x and y, returning their sum as an integer value for the caller.\n    """\n',
    canonical_solution: '    return x + y\n',
    test: 'def check(candidate):\n    assert candidate(2, 3) == 5\n',
  },
];
const heFile = write('he.jsonl.gz', gzipSync(HE.map((p) => JSON.stringify(p)).join('\n')));

describe('decontamination rules (prompt n-grams, whole solutions and tests)', () => {
  it('removes a prompt copy, a solution with its signature but no docstring, a reformatted solution and a test; keeps boilerplate', async () => {
    const he = await loadBenchmark('humaneval', heFile);
    const byPrompt = mk(`Finish this function:\n${HE[0]!.prompt}`, 'ok');
    const bySolution = mk('Count vowel runs in a string.', `def count_vowel_runs(text: str) -> int:\n${HE[0]!.canonical_solution}`);
    // Re-indented to two spaces, in a Markdown block, upper-cased keyword-free parts unchanged.
    const reformatted = mk('Explain this code.', `\`\`\`python\n${HE[0]!.canonical_solution.replace(/ {4}/g, '  ')}\`\`\``);
    const byTest = mk('Write tests.', "assert count_vowel_runs('beautiful day outside') == 5");
    const shortSolution = mk('Sum two values.', 'def add(x, y):\n    return x + y');
    const clean = mk('Reverse a list.', 'def rev(xs):\n    return xs[::-1]');
    const { kept, removed } = decontaminate([byPrompt, bySolution, reformatted, byTest, shortSolution, clean], he, { ngram: 13, minChars: 40 });
    expect(removed.map((r) => [r.id, r.rule, r.problem])).toEqual([
      [byPrompt.id, 'prompt', 'HumanEval/0'],
      [bySolution.id, 'solution', 'HumanEval/0'],
      [reformatted.id, 'solution', 'HumanEval/0'],
      [byTest.id, 'test', 'HumanEval/0'],
    ]);
    expect(kept).toEqual([shortSolution, clean]);
    expect(removed[1]!.matched).toContain(normalizeCode(HE[0]!.canonical_solution));
    // The signature+solution pattern catches short solutions when written with their signature.
    const withSig = mk('Sum.', 'def add(x: int, y: int) -> int:\n    return x + y');
    expect(decontaminate([withSig], he, { ngram: 13, minChars: 20 }).removed.map((r) => r.rule)).toEqual(['solution']);
    expect(decontaminate([withSig], he, { ngram: 13, minChars: 40 }).removed).toEqual([]);
  });

  it('applies only the rules asked for, and the minimum length', async () => {
    const he = await loadBenchmark('humaneval', heFile);
    const bySolution = mk('x', HE[0]!.canonical_solution);
    expect(decontaminate([bySolution], he, { ngram: 13, rules: ['prompt'] }).removed).toEqual([]);
    expect(decontaminate([bySolution], he, { ngram: 13, rules: ['solution'], minChars: 500 }).removed).toEqual([]);
    expect(decontaminate([bySolution], he, { ngram: 13, rules: ['solution'] }).removed).toHaveLength(1);
  });

  it('reads MBPP (sanitized and original), MBPP+, DS-1000, APPS, GSM8K and LiveCodeBench with a date cutoff', async () => {
    const mbpp = await loadBenchmark('mbpp', write('mbpp.json', JSON.stringify([{ task_id: 2, prompt: 'Write a function to find the shared elements from the given two lists.', code: 'def similar_elements(a, b):\n    return tuple(set(a) & set(b))', test_list: ['assert set(similar_elements((3, 4, 5, 6),(5, 7, 4, 10))) == set((4, 5))'] }])));
    expect(mbpp[0]).toMatchObject({ id: 'Mbpp/2', prompt: expect.stringContaining('shared elements'), tests: [expect.stringContaining('similar_elements')] });
    const orig = await loadBenchmark('mbpp', write('mbpp.jsonl', JSON.stringify({ task_id: 11, text: 'Remove first and last occurrence.', code: 'def f(): pass', test_list: [] })));
    expect(orig[0]).toMatchObject({ id: 'Mbpp/11', prompt: 'Remove first and last occurrence.' });
    const plus = await loadBenchmark('mbppplus', write('mbppplus.jsonl', JSON.stringify({ task_id: 'Mbpp/2', prompt: 'p', canonical_solution: 'def g(): return 1', test: 'x = 1\nassert g() == 1\n' })));
    expect(plus[0]).toMatchObject({ id: 'Mbpp/2', solutions: ['def g(): return 1'], tests: ['assert g() == 1'] });
    const ds = await loadBenchmark('ds1000', write('ds.jsonl', JSON.stringify({ prompt: 'How do I sort a DataFrame?\nA:\n<code>\ndf = ...\n</code>\nBEGIN SOLUTION\n<code>', reference_code: 'result = df.sort_values("a")', metadata: { problem_id: 7 } })));
    expect(ds[0]).toMatchObject({ id: '7', prompt: expect.not.stringContaining('BEGIN SOLUTION'), solutions: ['result = df.sort_values("a")'] });
    const apps = await loadBenchmark('apps', write('apps.jsonl', JSON.stringify({ problem_id: 4000, question: 'Read n and print n squared.', solutions: JSON.stringify(['n = int(input())\nprint(n * n)', 'print(int(input()) ** 2)']) })));
    expect(apps[0]!.solutions).toHaveLength(2);
    const gsm = await loadBenchmark('gsm8k', write('gsm.jsonl', `${JSON.stringify({ question: 'Janet has 3 apples.', answer: '#### 3' })}\n`));
    expect(gsm[0]).toMatchObject({ id: 'gsm8k/0', prompt: 'Janet has 3 apples.' });
    const lcbFile = write('lcb.jsonl', [{ question_id: 'a', question_content: 'old problem', contest_date: '2023-01-05T00:00:00' }, { question_id: 'b', question_content: 'new problem', contest_date: '2024-06-01T00:00:00' }].map((x) => JSON.stringify(x)).join('\n'));
    expect((await loadBenchmark('livecodebench', lcbFile)).map((p) => p.id)).toEqual(['a', 'b']);
    expect((await loadBenchmark('livecodebench', lcbFile, { cutoff: '2024-01-01' })).map((p) => [p.id, p.date])).toEqual([['b', '2024-06-01']]);
  });

  it('the data card lists each removed record with benchmark, task, rule and matched text, and counts per rule', () => {
    const records = [mk('a', 'b')];
    const card = buildDatacard({
      name: 'arm',
      records,
      decontamination: {
        ngram: 13,
        minChars: 40,
        removed: 2,
        byBenchmark: { humaneval: 2 },
        bySource: { s: 2 },
        byRule: { prompt: 1, solution: 1 },
        records: [
          { id: 'r1', source: 's', benchmark: 'humaneval', task: 'HumanEval/0', rule: 'prompt', matched: 'count maximal runs of consecutive vowels in the given text ignoring case and' },
          { id: 'r2', source: 's', benchmark: 'humaneval', task: 'HumanEval/0', rule: 'solution', matched: 'runs=0inside=false|<b>' },
        ],
      },
    });
    const md = renderDatacardMarkdown(card);
    expect(md).toContain('By rule: prompt 1, solution 1; by benchmark: humaneval 2');
    expect(md).toContain('| r1 | s | humaneval | HumanEval/0 | prompt | `count maximal runs');
    expect(md).toContain('runs=0inside=false\\|&lt;b&gt;');
  });
});
