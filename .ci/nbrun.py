"""Run notebooks top to bottom in a real Jupyter kernel (nbclient), as a reader would in Jupyter.

Cells that tests never run are skipped, exactly as `nbdev_test` skips them: a code cell whose
directives include a flag from settings.ini's `tst_flags` (`#| notest`), or `#| eval: false`.
That is how a cell holding an interactive `breakpoint()` stays runnable for readers yet never
blocks CI.

    python .ci/nbrun.py [--jobs 2] [NOTEBOOK ...]   # default: every nbs/*.ipynb
    python .ci/nbrun.py --write nbs/05_grads.ipynb   # also save the outputs into the notebook

Prints one line per notebook and a closing `N passed, N failed`; exits 1 if any failed.
"""
import argparse, configparser, os, re, sys, time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's backprop_nb, even where another copy is installed
from backprop_nb.exercises import skipped  # the same rule the exercise grader uses

def coalesce_streams(nb):
    "Join each run of stdout (or stderr) outputs into one, as Jupyter shows them: how the kernel happened to chunk them must not change the file."
    for c in nb.cells:
        outs = []
        for o in c.get('outputs', []):
            if o.output_type == 'stream' and outs and outs[-1].output_type == 'stream' and outs[-1].name == o.name:
                outs[-1].text += o.text
            else: outs.append(o)
        if c.cell_type == 'code': c.outputs = outs
    return nb

def run(path, flags, write=False, timeout=600):
    "Execute the notebook at `path` in a fresh kernel, skipping cells marked not-for-tests; return (ok, seconds, error)."
    nb = nbformat.read(path, as_version=4)
    skip = [c for c in nb.cells if c.cell_type == 'code' and skipped(c.source, flags)]
    for c in skip: c.cell_type = 'raw'  # nbclient runs code cells only
    client = NotebookClient(nb, timeout=timeout, kernel_name='python3', allow_errors=False,
                            resources={'metadata': {'path': str(path.parent)}})
    start, err = time.time(), None
    try: client.execute()
    except CellExecutionError as e: err = str(e)
    except Exception as e: err = f'{type(e).__name__}: {e}'
    for c in skip: c.cell_type = 'code'
    if write and err is None: nbformat.write(coalesce_streams(nb), path)
    return err is None, time.time() - start, err

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('notebooks', nargs='*', type=Path)
    p.add_argument('--write', action='store_true', help='save outputs into the notebooks (then run nbdev_clean)')
    p.add_argument('--jobs', type=int, default=1, help='notebooks run at once')
    args = p.parse_args()
    cfg = configparser.ConfigParser(delimiters=['=']); cfg.read(ROOT/'settings.ini')
    flags = set(cfg['DEFAULT'].get('tst_flags', '').split())
    nbs = args.notebooks or sorted((ROOT/'nbs').glob('*.ipynb'))
    # kernels import this checkout's backprop_nb, even where another copy is installed (as nbdev_test does)
    os.environ['PYTHONPATH'] = os.pathsep.join([str(ROOT)] + [p for p in os.environ.get('PYTHONPATH', '').split(os.pathsep) if p])
    # plots go into the outputs as in Jupyter, even where MPLBACKEND=Agg is set for scripts (CI sets it)
    os.environ['MPLBACKEND'] = 'module://matplotlib_inline.backend_inline'
    passed = failed = 0
    with ProcessPoolExecutor(args.jobs) as pool:  # one kernel per notebook; a process each keeps them apart
        results = pool.map(run, [nb.resolve() for nb in nbs], [flags]*len(nbs), [args.write]*len(nbs))
        for nb, (ok, secs, err) in zip(nbs, results):
            print(f'{"ok  " if ok else "FAIL"} {nb.name} ({secs:.1f} s)', flush=True)
            if ok: passed += 1
            else: failed += 1; print(err[-4000:], file=sys.stderr)
    print(f'{passed} passed, {failed} failed')
    sys.exit(1 if failed else 0)

if __name__ == '__main__': main()
