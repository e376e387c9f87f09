#!/usr/bin/env python
"""Build the course site: one static HTML page per notebook in nbs/, with its committed outputs (nothing runs).

    python .ci/site.py [DEST]        # default DEST: _site/ (git-ignored); then open DEST/index.html

Offline at build and read time: nbconvert's lab template without its CDN scripts, math by the site's own copy of
MathJax 2.7.9 (npm package pinned in .ci/site/package.json; installed with `npm ci` on first use), plots embedded.
Course order for previous/next: index, the numbered main path (00, 01, ...), then the appendices (A0, A1, ...),
then anything else; notebooks are found by glob, so renamed or new ones need no change here.
Links to `X.ipynb` become `X.html`; links to other repo files (e.g. `../data/README.md`) get a page of their own
under files/. `#| hide` cells are left out, `#|` directive lines are stripped (`#| echo: false` drops the code,
`#| output: false` the outputs), and fastprogress's HTML log becomes one evenly spaced monospace block.
"""
import argparse, copy, html, json, re, shutil, subprocess, sys, time
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

ROOT = Path(__file__).resolve().parent.parent
NBS = ROOT/'nbs'
SITE_DIR = Path(__file__).resolve().parent/'site'
MATHJAX_VERSION = '2.7.9'
MATHJAX_SRC = SITE_DIR/'node_modules'/'mathjax'
# What MathJax 2 needs for the TeX-AMS_CHTML-full config with the CommonHTML output and its TeX web fonts
# (the full package is 73 MB: unpacked sources, PNG fonts and other font families stay out).
MATHJAX_PARTS = ['MathJax.js', 'LICENSE', 'config', 'extensions', 'jax/input/TeX', 'jax/output/CommonHTML',
                 'jax/element', 'fonts/HTML-CSS/TeX/woff', 'fonts/HTML-CSS/TeX/otf', 'localization/en']
MATHJAX_CONFIG = 'TeX-AMS_CHTML-full,Safe'
DIRECTIVE = re.compile(r'^\s*#\|\s*(.*?)\s*$')


def course_key(p: Path):
    "Sort key for course order: index, numbered lessons, appendices A<k>, then the rest, each by name."
    n = p.stem
    if n == 'index': return (0, n)
    if re.match(r'\d', n): return (1, n)
    if re.match(r'A\d', n): return (2, n)
    return (3, n)


def find_notebooks(nbs=NBS):
    return sorted((p for p in nbs.glob('*.ipynb') if not p.name.startswith(('.', '_'))), key=course_key)


def title_of(nb, fallback):
    "The first markdown heading, without its #s and markup: the page's title and its name in the nav links."
    for c in nb.cells:
        if c.cell_type != 'markdown': continue
        for line in c.source.splitlines():
            m = re.match(r'\s*#{1,6}\s+(.*\S)', line)
            if m: return re.sub(r'[*`]', '', m.group(1)).strip()
    return fallback


def directives(src):
    "nbdev directives of a code cell, as {name: value}, e.g. `#| hide` -> {'hide': ''}, `#| echo: false` -> {'echo': 'false'}."
    out = {}
    for line in src.splitlines():
        m = DIRECTIVE.match(line)
        if m:
            name, _, val = re.match(r'([\w-]*)\s*(:?)\s*(.*)', m.group(1)).groups()
            out[name] = val
    return out


_PLAIN_P_LOG = re.compile(r'^[^<>]*(<p>[^<>]*)+$')

def tidy_output(o):
    "fastprogress logs its lines as `line<p>line<p>...`: show them as one evenly spaced <pre> block instead."
    data = o.get('data', {})
    h = data.get('text/html')
    if h is None: return o
    h = h if isinstance(h, str) else ''.join(h)
    if _PLAIN_P_LOG.match(h.strip()):
        lines = [l.strip() for l in h.strip().split('<p>')]
        data['text/html'] = '<pre class="course-log">' + '\n'.join(lines) + '</pre>'
    return o


def prepare(nb):
    "A copy of the notebook as the site shows it: hidden cells dropped, directive lines stripped."
    nb = copy.deepcopy(nb)
    cells = []
    for c in nb.cells:
        if c.cell_type == 'code':
            d = directives(c.source)
            if 'hide' in d or d.get('include') == 'false': continue
            c.source = '\n'.join(l for l in c.source.splitlines() if not DIRECTIVE.match(l)).strip('\n')
            if d.get('output') == 'false': c.outputs = []
            c.outputs = [tidy_output(o) for o in c.outputs]
            if d.get('echo') == 'false': c.metadata.setdefault('transient', {})['remove_source'] = True
            if not c.source and not c.outputs: continue
        cells.append(c)
    nb.cells = cells
    return nb


def ensure_mathjax():
    "The pinned MathJax, installed by npm from .ci/site/package-lock.json the first time (the only network use)."
    pj = MATHJAX_SRC/'package.json'
    if not pj.exists() or json.loads(pj.read_text())['version'] != MATHJAX_VERSION:
        print(f'installing mathjax@{MATHJAX_VERSION} with npm into {SITE_DIR.relative_to(ROOT)}/node_modules (once)')
        subprocess.run(['npm', 'ci', '--no-audit', '--no-fund', '--prefix', str(SITE_DIR)], check=True)
    assert json.loads(pj.read_text())['version'] == MATHJAX_VERSION


def copy_mathjax(dest):
    for part in MATHJAX_PARTS:
        src, dst = MATHJAX_SRC/part, dest/'mathjax'/part
        if src.is_dir(): shutil.copytree(src, dst, dirs_exist_ok=True)
        else:
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)


_HREF = re.compile(r'''(\b(?:href|src)=)(["'])(?!https?:|mailto:|data:|#|javascript:)([^"']+)\2''')

class Linker:
    "Rewrites a page's local links: notebook -> its page, other repo file -> its page or copy under files/."
    def __init__(self, pages):
        self.pages, self.extra = pages, {}   # pages: notebook path -> page name; extra: other repo file -> its path

    def target(self, src_dir: Path, url: str, depth: int):
        path, _, frag = url.partition('#')
        if not path: return None
        f = (src_dir/html.unescape(path)).resolve()
        up = '../'*depth
        if f in self.pages: new = up + self.pages[f]
        else:
            try: rel = f.relative_to(ROOT)
            except ValueError: return None          # outside the repo: leave it, the browser check reports it
            if not f.is_file(): return None
            self.extra[f] = rel
            new = up + 'files/' + rel.as_posix() + ('.html' if f.suffix == '.md' else '')
        return new + ('#' + frag if frag else '')

    def rewrite(self, text, src_dir, depth=0):
        def sub(m):
            new = self.target(src_dir, m.group(3), depth)
            return m.group(0) if new is None else f'{m.group(1)}{m.group(2)}{new}{m.group(2)}'
        return _HREF.sub(sub, text)


_CODE = re.compile(r'(<div class="cm-editor cm-s-jupyter">\s*<div class="highlight[^"]*"><pre>)(.*?)(</pre>)', re.S)
_TAG = re.compile(r'(<[^>]+>)')

def line_spans(code):
    """Highlighted code as one <span class="cl"> per line, so that a wrapped line continues indented under its own
    start (hanging indent by the line's leading spaces + 4) instead of at column 0; pygments' spans that cross a
    line end are closed and reopened."""
    lines, cur, stack = [], [], []
    for tok in _TAG.split(code):
        if not tok: continue
        if tok.startswith('<'):
            cur.append(tok)
            if tok.startswith('</'): stack and stack.pop()
            elif not tok.endswith('/>'): stack.append(tok)
            continue
        parts = tok.split('\n')
        for k, part in enumerate(parts):
            if k:
                lines.append(''.join(cur) + '</span>' * len(stack))
                cur = list(stack)
            cur.append(part)
    lines.append(''.join(cur))
    if lines and not _TAG.sub('', lines[-1]).strip(): lines.pop()   # pygments' final newline
    out = []
    for l in lines:
        text = html.unescape(_TAG.sub('', l))
        n = min(len(text) - len(text.lstrip(' ')) + 4, 24)   # capped: a phone's code box is about 40 characters wide
        out.append(f'<span class="cl" style="padding-left:{n}ch;text-indent:-{n}ch">{l}</span>')
    return ''.join(out)


def hanging_indents(page):
    return _CODE.sub(lambda m: m.group(1) + line_spans(m.group(2)) + m.group(3), page)


def make_exporter():
    e = HTMLExporter(template_name='course', extra_template_basedirs=[str(SITE_DIR/'templates')])
    e.exclude_input_prompt = e.exclude_output_prompt = True
    return e


def build(dest: Path, nbs_dir: Path = NBS, quiet=False):
    t0 = time.time()
    ensure_mathjax()
    if dest.exists() and any(dest.iterdir()):
        # only ever delete a folder this script built (it leaves a .nojekyll marker), never the repo or a stranger
        if not (dest/'.nojekyll').exists() or dest in (ROOT, *ROOT.parents):
            sys.exit(f'{dest} exists and is not a site built by this script: choose another DEST or remove it')
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    (dest/'.nojekyll').write_text('')   # the marker above (and: no Jekyll, should the folder be served by GitHub Pages)
    copy_mathjax(dest)
    css = (SITE_DIR/'course.css').read_text()
    nbs = find_notebooks(nbs_dir)
    pages = {p.resolve(): p.stem + '.html' for p in nbs}
    books = [nbformat.read(p, as_version=4) for p in nbs]
    titles = [title_of(nb, p.stem) for p, nb in zip(nbs, books)]
    linker, exporter = Linker(pages), make_exporter()
    home = {'href': 'index.html', 'title': 'Contents'} if (nbs_dir/'index.ipynb').exists() else None
    for i, (p, nb) in enumerate(zip(nbs, books)):
        link = lambda j: {'href': pages[nbs[j].resolve()], 'title': titles[j]} if 0 <= j < len(nbs) else None
        site = dict(mathjax_url=f'mathjax/MathJax.js?config={MATHJAX_CONFIG}', css=css, prev=link(i-1),
                    next=link(i+1), home=home if p.stem != 'index' else None)
        page = prepare(nb)
        page.metadata['title'] = titles[i]
        body, _ = exporter.from_notebook_node(page, resources={'site': site})
        (dest/pages[p.resolve()]).write_text(hanging_indents(linker.rewrite(body, p.parent)))
        if not quiet: print(f'{p.name} -> {pages[p.resolve()]}  ({titles[i]})')
    # repo files the notebooks link to: markdown gets a page of its own (rendered like a notebook), others a copy
    done = set()
    while set(linker.extra) - done:
        for f in sorted(set(linker.extra) - done):
            done.add(f)
            rel = linker.extra[f]
            out = dest/'files'/rel
            out.parent.mkdir(parents=True, exist_ok=True)
            if f.suffix != '.md':
                shutil.copy2(f, out); continue
            depth = len(rel.parts)   # files/<folders of rel>/<page>: one level for files/, one per folder
            up = '../'*depth
            nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(f.read_text())])
            nb.metadata['title'] = title_of(nb, rel.as_posix())
            site = dict(mathjax_url=f'{up}mathjax/MathJax.js?config={MATHJAX_CONFIG}', css=css, prev=None, next=None,
                        home={'href': up + 'index.html', 'title': 'Contents'} if home else None)
            body, _ = exporter.from_notebook_node(nb, resources={'site': site})
            out = out.with_name(out.name + '.html')
            out.write_text(linker.rewrite(body, f.parent, depth))
            if not quiet: print(f'{rel} -> files/{rel.as_posix()}.html')
    if not quiet: print(f'built {len(nbs)} notebook pages in {dest} in {time.time()-t0:.1f} s; open {dest/"index.html"}')
    return nbs


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('dest', nargs='?', default=str(ROOT/'_site'), help='output folder (default: _site/ in the repo)')
    a = ap.parse_args()
    build(Path(a.dest).resolve())
