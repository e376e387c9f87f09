"""How long each notebook takes a student who runs every cell and thinks: 120 words of prose a minute, 10 visible
lines of code a minute, and 3 minutes per exercise (each `### BEGIN SOLUTION` marker line). The main path must fit in 180 minutes.

    python .ci/reading_time.py           # a table: notebook, words, code lines, minutes; main path and appendix totals
    python .ci/reading_time.py --check   # also exit 1 unless each notebook states its time and the index agrees,
                                         # every `#| hide` cell shows collapsed in Jupyter, and the main path fits in 180 min
    python .ci/reading_time.py --fix     # collapse every `#| hide` cell (cell metadata jupyter.source_hidden)

What counts: every word (a run of letters, digits or `_`) of every markdown cell (LaTeX and collapsed answers
included), every exercise region (3 minutes each: derive on paper, write, run the check), and every non-blank
line of every code cell a reader sees, less nbdev's `#|` directive lines. Cells marked `#| hide` are not counted:
the site leaves them out, Jupyter shows them collapsed (settings.ini keeps the `jupyter` cell metadata through
nbdev_clean), and they hold tests, not ideas. Outputs are not counted.
Main path: notebooks whose name starts with a digit (00_...); appendices start with `A` (A0_...).
A notebook states its time in its first markdown cell as `Reading time: about N minutes`, N the rounded
measure (±1 allowed); the index lists each notebook's link with the same `N min` on the same line.
"""
import json, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_dir = re.compile(r'\s*#\s*\|')
STATED = re.compile(r'Reading time: about (\d+) min')
WORDS_PER_MIN, LINES_PER_MIN, MIN_PER_EXERCISE, MAIN_PATH_LIMIT = 120, 10, 3, 180
MARKER = re.compile(r'^[ \t]*#+\s*BEGIN SOLUTION\s*$', re.M)  # a marker line, as the grader reads it (not the phrase in a string)

def src(cell): return ''.join(cell['source']) if isinstance(cell['source'], list) else cell['source']
def hidden(cell): return any(re.match(r'\s*#\s*\|\s*hide\s*$', l) for l in src(cell).splitlines())

def measure(path):
    "(words, code lines, exercises, minutes) of the notebook at `path`."
    words = code = exercises = 0
    for c in json.loads(Path(path).read_text())['cells']:
        if c['cell_type'] == 'markdown': words += len(re.findall(r'\w+', src(c)))
        elif c['cell_type'] == 'code':
            exercises += len(MARKER.findall(src(c)))
            if not hidden(c): code += sum(1 for l in src(c).splitlines() if l.strip() and not _dir.match(l))
    return words, code, exercises, words/WORDS_PER_MIN + code/LINES_PER_MIN + MIN_PER_EXERCISE*exercises

def uncollapsed(path, fix=False):
    "Indexes of the `#| hide` cells of the notebook at `path` that Jupyter would show expanded; with `fix`, collapse them."
    from execnb.nbio import read_nb, write_nb  # nbdev's own reader and writer, so the file keeps nbdev's format
    nb = read_nb(path)
    bad = [i for i, c in enumerate(nb.cells) if c.cell_type == 'code' and hidden(c)
           and not c.get('metadata', {}).get('jupyter', {}).get('source_hidden')]
    if fix and bad:
        for i in bad: nb.cells[i].setdefault('metadata', {}).setdefault('jupyter', {})['source_hidden'] = True
        write_nb(nb, path)
    return bad

def stated(path):
    "The minutes the notebook's first markdown cell states, or None."
    for c in json.loads(Path(path).read_text())['cells']:
        if c['cell_type'] == 'markdown':
            m = STATED.search(src(c))
            return int(m.group(1)) if m else None

def main(check=False, fix=False):
    nbs = sorted(p for p in (ROOT/'nbs').glob('*.ipynb') if p.name != 'index.ipynb')
    errors = [f'{p.name}: {len(bad)} `#| hide` cell(s) not collapsed in Jupyter: run python .ci/reading_time.py --fix'
              for p in nbs + [ROOT/'nbs'/'index.ipynb'] if (bad := uncollapsed(p, fix)) and not fix]
    index = src({'source': ''.join(src(c) for c in json.loads((ROOT/'nbs'/'index.ipynb').read_text())['cells'])})
    totals = {'main path': 0., 'appendices': 0.}
    print(f'{"notebook":28} {"words":>6} {"code":>5} {"ex":>3} {"min":>6} {"stated":>6}')
    for p in nbs:
        w, c, x, m = measure(p)
        s = stated(p)
        totals['main path' if p.name[0].isdigit() else 'appendices'] += m
        print(f'{p.name:28} {w:6} {c:5} {x:3} {m:6.1f} {s if s is not None else "-":>6}')
        if s is None: errors.append(f'{p.name}: no "Reading time: about N minutes" in its first markdown cell')
        elif abs(s - m) > 1: errors.append(f'{p.name}: states {s} min, measures {m:.1f}')
        line = next((l for l in index.splitlines() if f']({p.name})' in l), None)
        if line is None: errors.append(f'index.ipynb: no link to {p.name}')
        elif s is not None and not re.search(rf'\b{s} min', line): errors.append(f'index.ipynb: the line linking {p.name} does not say "{s} min"')
    for k, v in totals.items(): print(f'{k}: {v:.0f} min ({v/60:.1f} h)')
    if totals['main path'] > MAIN_PATH_LIMIT: errors.append(f'the main path takes {totals["main path"]:.0f} min, over {MAIN_PATH_LIMIT}')
    if check:
        for e in errors: print('reading time:', e, file=sys.stderr)
        return 1 if errors else 0
    return 0

if __name__ == '__main__': sys.exit(main('--check' in sys.argv, '--fix' in sys.argv))
