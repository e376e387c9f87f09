"""Make README.md from nbs/index.ipynb, the course home page (nbdev_readme needs Quarto, which we cannot install).

    python .ci/readme.py           # write README.md
    python .ci/readme.py --check   # exit 1 if README.md is not what index.ipynb gives (CI runs this)

Markdown cells are copied as they are; code cells become ```python blocks followed by their text output
(stdout and text/plain; stderr, such as warnings, is left out). Cells marked `#| hide` are left out and other
`#|` directive lines are dropped. Links to notebooks (`01_matrix_ops.ipynb`) get the `nbs/` prefix they need
from the repo root,
and links that climb out of nbs/ (`../data/README.md`) lose their `../`.
"""
import json, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC, DEST = ROOT/'nbs'/'index.ipynb', ROOT/'README.md'
HEADER = '<!-- generated from nbs/index.ipynb by .ci/readme.py: edit the notebook, not this file -->\n\n'

def text(src): return ''.join(src) if isinstance(src, list) else src

def cell_md(cell):
    src = text(cell['source'])
    if cell['cell_type'] == 'markdown':
        src = re.sub(r'\]\((?!https?:|nbs/|#|\.\./)([^)]+\.ipynb)\)', r'](nbs/\1)', src)
        return re.sub(r'\]\(\.\./', '](', src)
    lines = src.splitlines()
    if any(re.match(r'#\s*\|\s*hide\s*$', l) for l in lines): return None
    code = '\n'.join(l for l in lines if not re.match(r'\s*#\s*\|', l)).strip()
    if not code: return None
    out = []
    for o in cell.get('outputs', []):
        if o.get('output_type') == 'stream' and o.get('name') == 'stdout': out.append(text(o['text']))
        elif 'data' in o and 'text/plain' in o['data']: out.append(text(o['data']['text/plain']))
    res = f'```python\n{code}\n```'
    if out: res += '\n\n```\n' + '\n'.join(s.rstrip('\n') for s in out) + '\n```'
    return res

def readme():
    cells = json.loads(SRC.read_text())['cells']
    return HEADER + '\n\n'.join(md for md in map(cell_md, cells) if md) + '\n'

if __name__ == '__main__':
    new = readme()
    if '--check' in sys.argv:
        if DEST.read_text() != new:
            sys.exit('README.md is out of date with nbs/index.ipynb: run `python .ci/readme.py` and commit README.md.')
        print('README.md matches nbs/index.ipynb')
    else:
        DEST.write_text(new)
        print(f'wrote {DEST}')
