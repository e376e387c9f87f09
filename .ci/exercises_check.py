"""CI for the exercise track: the committed student copies are what the generator writes, every exercise is
blank in them, and every exercise passes once the solutions are pasted back.

    python .ci/exercises_check.py

1. `backprop_nb_exercises` into a temporary folder writes exactly the committed `exercises/` (no drift);
2. the course has the exercises the course promises (at least MIN_EXERCISES, one in each notebook of REQUIRED_NBS, and REQUIRED);
3. one `backprop_nb_exercises --check --require-sandbox --jobs 2` of a class of two: the student `blank` (the copies as
   written) reads every exercise `not attempted`, the student `solved` (the same copies after `--solve`) every one `passed`.
Both students in one run, so the two sandboxes keep both cores busy to the end; only the notebooks with exercises run,
each up to its last graded cell.
4. fairness (issue 17): a student who left 05's `mse_grad` blank, and one with two mistakes in 05 (no 2/N; `out.g @ w`),
   fail only those exercises, every other one of 05 passes, and the hints name the mistakes. Prints one `ok: ...` or `FAILED: ...` line per check; exits 1 if any failed.
"""
import json, os, shutil, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUIRED_NBS = ['01_matrix_ops.ipynb', '03_mse.ipynb', '05_grads.ipynb', '06_debug.ipynb', '07_layers.ipynb', '09_engine.ipynb']
REQUIRED = ['mse_grad', 'relu_grad', 'linear_grad_w', 'linear_grad_b', 'linear_grad_inp', 'forward_and_backward', 'fixed_grads',
            'd_picked', 'd_logprobs', 'd_log_sum', 'd_counts_sum', 'd_counts', 'd_norm_logits', 'd_logit_maxes', 'd_logits',
            'cross_entropy_grad', '__matmul__._backward', 'relu._backward']
MIN_EXERCISES = 20  # issue 17: at least 20 graded exercises on the main path
failed = 0

def report(ok, what, detail=''):
    global failed
    print(f'{"ok" if ok else "FAILED"}: {what}', flush=True)
    if not ok:
        failed += 1
        if detail: print(detail.rstrip(), flush=True)

def tool(*args, **kw):
    "Run the console script (or the same main() when it is not installed here), in the repo root."
    return subprocess.run(CMD + [str(a) for a in args], cwd=ROOT, capture_output=True, text=True, **kw)

t0 = time.time()
os.environ['PYTHONPATH'] = os.pathsep.join([str(ROOT)] + [p for p in os.environ.get('PYTHONPATH', '').split(os.pathsep) if p])
os.environ.setdefault('OMP_NUM_THREADS', '1')  # two kernels on two cores: no oversubscription
script = shutil.which('backprop_nb_exercises')
report(script is not None, 'the console script backprop_nb_exercises is installed')
CMD = [script] if script else [sys.executable, '-c', 'from backprop_nb.exercises import main; main()']
sys.path.insert(0, str(ROOT))
from backprop_nb.exercises import read_nb, exercises_of

with tempfile.TemporaryDirectory() as tmp:
    tmp = Path(tmp)
    # 1. no drift between the generator and the committed copies
    r = tool(tmp/'gen', '--nbs', ROOT/'nbs')
    committed = ROOT/'exercises'
    new = {p.name for p in (tmp/'gen').iterdir()} if r.returncode == 0 else set()
    old = {p.name for p in committed.iterdir()} if committed.is_dir() else set()
    diff = sorted((new ^ old) | {n for n in new & old if (tmp/'gen'/n).read_bytes() != (committed/n).read_bytes()})
    report(r.returncode == 0 and not diff, 'exercises/ is exactly what backprop_nb_exercises writes',
           r.stderr if r.returncode else f'differ: {", ".join(diff)}\nfix: backprop_nb_exercises --force, check `git status exercises/`, commit')

    # 2. the promised exercises exist
    made = {p.name: exercises_of(read_nb(p)) for p in sorted((tmp/'gen').glob('*.ipynb'))}
    names = {n for ex in made.values() for e in ex for n in e.split(', ')}
    missing = [f'an exercise in {nb}' for nb in REQUIRED_NBS if not made.get(nb)] + [n for n in REQUIRED if n not in names]
    n_made = sum(map(len, made.values()))
    if n_made < MIN_EXERCISES: missing.append(f'{MIN_EXERCISES - n_made} more exercises (at least {MIN_EXERCISES})')
    report(not missing, f'the course has its exercises ({n_made} in {sum(map(bool, made.values()))} notebooks, at least {MIN_EXERCISES})',
           f'missing: {", ".join(missing)}')

    # 3. a class of two in one run: `blank` all not attempted, `solved` all passed
    cls = tmp/'class'
    for s in ('blank', 'solved'):
        (cls/s).mkdir(parents=True)
        for nb, ex in made.items():
            if ex: shutil.copy(tmp/'gen'/nb, cls/s/nb)
    if not any(made.values()): report(False, 'nothing to grade: no notebook has an exercise')
    else:
        r = tool('--solve', cls/'solved', '--nbs', ROOT/'nbs')
        report(r.returncode == 0, f'--solve pastes the solutions back ({r.stdout.strip()})', r.stderr)
        t = time.time()
        r = tool('--check', cls, '--require-sandbox', '--jobs', 2, '--timeout', 300, '--json', tmp/'grades.json')
        print(r.stdout.rstrip())
        rows = json.loads((tmp/'grades.json').read_text()) if (tmp/'grades.json').exists() else []
        for s, want in (('blank', 'not attempted'), ('solved', 'passed')):
            mine = [x for x in rows if x['student'] == s]
            bad = [f'{x["notebook"]} {x["exercise"]}: {x["status"]} {x["message"]}' for x in mine if x['status'] != want]
            n = sum(map(len, made.values()))
            report(len(mine) == n and not bad, f'{s} copies: all {len(mine)} of {n} exercises {want}',
                   '\n'.join(bad) + '\n' + r.stderr[-2000:])
        report(r.returncode == 3, f'--check exits 3 (not attempted, none failed): got {r.returncode}', r.stderr[-2000:])
        print(f'grading both took {time.time() - t:.0f} s')

    # 4. fairness (issue 17): one blank or wrong exercise fails only itself, and the hint names the mistake
    fair, nb05 = tmp/'fair', '05_grads.ipynb'
    right = {'mse': 'out.g = 2. * (out - targ.reshape(out.shape)) / out.shape[0]', 'inp': 'inp.g = out.g @ w.t()'}
    students = {'skipped_mse_grad': {right['mse']: 'raise NotImplementedError(\\"write mse_grad: see the prompt and hints above\\")'},
                'two_mistakes': {right['mse']: 'out.g = out - targ.reshape(out.shape)', right['inp']: 'inp.g = out.g @ w'}}
    want = {'skipped_mse_grad': {'mse_grad': ('not attempted', '')},
            'two_mistakes': {'mse_grad': ('failed', '2/N'), 'linear_grad_inp': ('failed', 'transpose')}}
    solved05 = (cls/'solved'/nb05).read_text() if (cls/'solved'/nb05).exists() else ''
    for who, edits in students.items():
        (fair/who).mkdir(parents=True)
        text = solved05
        for a, b in edits.items():
            report(a in text, f'{who}: the solved {nb05} holds `{a}` to change')
            text = text.replace(a, b)
        (fair/who/nb05).write_text(text)
    r = tool('--check', fair, '--require-sandbox', '--jobs', 2, '--timeout', 300, '--json', tmp/'fair.json')
    print(r.stdout.rstrip())
    rows = json.loads((tmp/'fair.json').read_text()) if (tmp/'fair.json').exists() else []
    for who in students:
        mine = {x['exercise']: x for x in rows if x['student'] == who}
        bad = [f'{e}: {x["status"]} {x["message"]}' for e, x in mine.items()
               if (x['status'], ) != want[who].get(e, ('passed', ''))[:1] or want[who].get(e, ('', ''))[1] not in x['message']]
        report(len(mine) == len(made.get(nb05, [])) and not bad,
               f'{who}: only {", ".join(want[who])} {"/".join(sorted({v[0] for v in want[who].values()}))}, every other exercise of 05 passed, the hints name the mistakes',
               '\n'.join(bad) + '\n' + r.stderr[-2000:])

print(f'exercises_check took {time.time() - t0:.0f} s')
sys.exit(1 if failed else 0)
