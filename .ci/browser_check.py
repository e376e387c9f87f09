#!/usr/bin/env python
"""Open every page of the course site in headless Chromium and check what a reader sees.

    python .ci/browser_check.py [SITE]      # default SITE: _site/ (build it first: python .ci/site.py)
    python .ci/browser_check.py --self-test # builds pages with planted faults and checks that each is caught

Per page: no raw `$...$` left in prose once MathJax has finished, no MathJax error, every image loaded, no link to
a missing page or anchor, no horizontal overflow of the page (in a 1280 px and a 400 px window), no content cut off
(a box that hides what it holds instead of scrolling), every <details> opens on a click, no console error, no
failed or off-machine request.
A screenshot of each page goes to .ci/screenshots/ (git-ignored). One line per page, then `N passed, N failed`;
exit 1 on any failure. Needs Debian's `chromium` (apt-get install chromium) and the `playwright` package from PyPI;
Playwright drives the system Chromium through executable_path (never `playwright install`). The site is served
from 127.0.0.1 by an http.server inside this process; every request elsewhere is blocked and reported.
"""
import argparse, functools, http.server, os, re, sys, tempfile, threading, time
from pathlib import Path
from urllib.parse import urlsplit, unquote

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_PATHS = ['/usr/lib/chromium/chromium', '/usr/bin/chromium']
CHROMIUM_ARGS = ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking',
                 '--disable-component-update', '--disable-sync', '--no-first-run']


def chromium_path():
    for p in [os.environ.get('CHROMIUM')] + CHROMIUM_PATHS:
        if p and os.access(p, os.X_OK): return p
    return None


def launch(pw):
    exe = chromium_path()
    if exe is None: sys.exit('no Chromium: apt-get install -y chromium (or set CHROMIUM=/path/to/chromium)')
    return pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS, headless=True)


class Server:
    "The site over http on 127.0.0.1, a free port, in a thread of this process."
    def __init__(self, root):
        class H(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *a): pass
        self.httpd = http.server.ThreadingHTTPServer(('127.0.0.1', 0), functools.partial(H, directory=str(root)))
        self.url = f'http://127.0.0.1:{self.httpd.server_address[1]}/'
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
    def __enter__(self): self.thread.start(); return self
    def __exit__(self, *a): self.httpd.shutdown(); self.httpd.server_close()


# Collects MathJax's own error signals; must be set before MathJax.js runs (MathJax 2 reads window.MathJax.AuthorInit).
INIT_JS = r"""
window.__mjErrors = [];
window.MathJax = {AuthorInit: function () {
  ['TeX Jax - parse error', 'Math Processing Error', 'file load error'].forEach(function (kind) {
    MathJax.Hub.Register.MessageHook(kind, function (m) { window.__mjErrors.push(kind + ': ' + String(m[1] || m[2] || '')); });
  });
}};
"""

# Resolves once MathJax has typeset everything queued (or at once if the page has no MathJax).
MATHJAX_DONE_JS = r"""
() => new Promise(res => {
  setTimeout(() => res('timed out'), 20000);
  if (!window.MathJax || !window.MathJax.Hub) return res('absent');
  // plain functions: MathJax 2's callbacks never call an arrow function
  MathJax.Hub.Register.StartupHook('End', function () { MathJax.Hub.Queue(function () { res('done'); }); });
})
"""

# Everything else is read from the finished page in one go.
INSPECT_JS = r"""
() => {
  const skip = 'script, style, pre, code, textarea, .highlight, .MathJax, .MathJax_CHTML, .mjx-chtml, .MathJax_Preview, [class*="MJX"]';
  const raw = [], tex = /\$\$[^$]+\$\$|\$[^$\s][^$]*\$|\\begin\{|\\\(|\\\[/g;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  // MathJax splits nothing it leaves alone, so a raw span is within one element's text; check per parent element
  const seen = new Set();
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || seen.has(el) || el.closest(skip)) continue;
    seen.add(el);
    const text = Array.from(el.childNodes).filter(c => c.nodeType === 3).map(c => c.textContent).join('');
    for (const m of text.matchAll(tex)) raw.push(m[0].slice(0, 60));
  }
  const mjErrors = (window.__mjErrors || []).slice();
  document.querySelectorAll('.MathJax_Error, .mjx-merror, merror, .noError, .mjx-noError').forEach(
    e => mjErrors.push('error box: ' + e.textContent.slice(0, 60)));
  const images = Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0))
    .map(i => (i.getAttribute('src') || '').slice(0, 60));
  const links = Array.from(document.querySelectorAll('a[href]')).map(a => a.href);
  const ids = Array.from(document.querySelectorAll('[id], a[name]')).map(e => e.id || e.getAttribute('name'));
  // content cut off: a box narrower than what it holds that neither scrolls nor shows the rest (nbconvert's own
  // template hides long code lines this way); MathJax's internal boxes are its business
  const clipped = [];
  document.querySelectorAll('main *, body > *').forEach(e => {
    if (e.closest('.MathJax, .MathJax_CHTML, .mjx-chtml, [class*="MJX"], svg')) return;
    const ox = getComputedStyle(e).overflowX;
    if ((ox === 'hidden' || ox === 'clip') && e.scrollWidth > e.clientWidth + 1)
      clipped.push(e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ')[0] : '') +
                   ': ' + (e.textContent || '').trim().slice(0, 40));
  });
  const se = document.scrollingElement;
  return {raw, mjErrors, images, links, ids, clipped, scrollWidth: se.scrollWidth, clientWidth: se.clientWidth,
          mathjax: window.MathJax && window.MathJax.version || null};
}
"""

NARROW = 400   # px, the phone-sized window the overflow check is repeated in

_ID = re.compile(r'''\b(?:id|name)=["']([^"']+)["']''')

@functools.lru_cache(None)
def ids_in(path):
    return set(_ID.findall(Path(path).read_text(errors='replace')))


def local_file(site, base_url, url):
    "The file a same-site URL points at (index.html for a folder), or None for another site."
    u = urlsplit(url)
    if not url.startswith(base_url): return None, u.fragment
    f = site/unquote(u.path[len(urlsplit(base_url).path):])
    return (f/'index.html' if f.is_dir() else f), u.fragment


def check_page(page, site, base_url, rel, shots):
    "Load one page; return a list of problems (empty when it passes)."
    problems, console = [], []
    page.on('console', lambda m: console.append(f'console {m.type}: {m.text[:120]}') if m.type == 'error' else None)
    page.on('pageerror', lambda e: console.append(f'page error: {str(e)[:120]}'))
    page.on('requestfailed', lambda r: console.append(f'request failed: {r.url[:100]} ({r.failure})')
            if not r.url.startswith('data:') else None)
    page.on('response', lambda r: console.append(f'HTTP {r.status}: {r.url[:100]}') if r.status >= 400 else None)
    page.goto(base_url + rel, wait_until='load', timeout=30_000)
    state = page.evaluate(MATHJAX_DONE_JS)
    if state == 'timed out': problems.append('MathJax did not finish within 20 s')
    # every <details> answer opens on a click and shows something (left open for the screenshot)
    summaries = page.locator('details > summary')
    for i in range(summaries.count()):
        summaries.nth(i).click()
    shut = page.evaluate('''() => Array.from(document.querySelectorAll('details')).filter(d => !d.open ||
        Array.from(d.children).filter(c => c.tagName !== 'SUMMARY').every(c => c.getBoundingClientRect().height === 0) &&
        !Array.from(d.childNodes).some(c => c.nodeType === 3 && c.textContent.trim())).map(d => d.textContent.trim().slice(0, 40))''')
    if shut: problems.append(f'<details> that does not open to show its content ({len(shut)}): ' + ' | '.join(shut[:3]))
    page.wait_for_timeout(50)   # let late console messages arrive
    r = page.evaluate(INSPECT_JS)
    if r['raw']: problems.append(f"raw TeX not rendered ({len(r['raw'])}): " + ' | '.join(r['raw'][:3]))
    if r['mjErrors']: problems.append(f"MathJax error ({len(r['mjErrors'])}): " + ' | '.join(r['mjErrors'][:3]))
    if r['images']: problems.append(f"image not loaded ({len(r['images'])}): " + ' | '.join(r['images'][:3]))
    missing = []
    page_file = site/rel
    for url in dict.fromkeys(r['links']):
        f, frag = local_file(site, base_url, url)
        if f is None: continue
        if not f.is_file(): missing.append(url[len(base_url):])
        elif frag and not {frag, unquote(frag)} & (set(r['ids']) if f == page_file else ids_in(str(f))):
            missing.append(url[len(base_url):] + ' (no such anchor)')
    if missing: problems.append(f'link to a missing page ({len(missing)}): ' + ' | '.join(missing[:3]))
    if r['clipped']: problems.append(f"content cut off ({len(r['clipped'])}): " + ' | '.join(r['clipped'][:3]))
    if r['scrollWidth'] > r['clientWidth'] + 1:
        problems.append(f"page wider than the window: scrollWidth {r['scrollWidth']} > clientWidth {r['clientWidth']}")
    if console: problems.append(f'console/network error ({len(console)}): ' + ' | '.join(dict.fromkeys(console)))
    if shots:
        out = shots/(rel.replace('/', '__').removesuffix('.html') + '.png')
        page.screenshot(path=str(out), full_page=True)
    # and on a phone-sized window (the layout reflows; nothing is reloaded)
    page.set_viewport_size({'width': NARROW, 'height': 800})
    sw, cw = page.evaluate('() => [document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]')
    if sw > cw + 1: problems.append(f'page wider than a {NARROW} px window: scrollWidth {sw} > clientWidth {cw}')
    return problems, state


def check_site(site, shots=None, only=None, fail_word='FAILED'):
    "Check every page of the site; returns {page: problems}. Prints one line per page."
    from playwright.sync_api import sync_playwright
    site = Path(site).resolve()
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob('*.html') if 'mathjax' not in p.relative_to(site).parts)
    if only: pages = [p for p in pages if p in only]
    if shots:
        shots.mkdir(parents=True, exist_ok=True)
        for old in shots.glob('*.png'): old.unlink()   # last run's pages (only our own kind of file)
    results = {}
    with Server(site) as srv, sync_playwright() as pw:
        browser = launch(pw)
        ctx = browser.new_context(viewport={'width': 1280, 'height': 900})
        ctx.add_init_script(INIT_JS)
        # read time is offline: anything not served by our own server is blocked (and then reported as failed)
        ctx.route('**/*', lambda route: route.continue_() if route.request.url.startswith((srv.url, 'data:'))
                  else route.abort('blockedbyclient'))
        for rel in pages:
            t = time.time()
            page = ctx.new_page()
            try: problems, state = check_page(page, site, srv.url, rel, shots)
            except Exception as e: problems, state = [f'could not check: {type(e).__name__}: {str(e)[:200]}'], '?'
            finally: page.close()
            results[rel] = problems
            print(f"{'ok' if not problems else fail_word}: {rel} ({time.time()-t:.1f} s, MathJax {state})")
            for p in problems: print(f'    {p}')
        browser.close()
    return results


# ---------------------------------------------------------------- self-test: every planted fault must be caught
PNG_1PX = ('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==')
PLANTED = {  # page: (markdown cell, the problem it must trigger)
    'raw_tex': ('Rendered: $a+b$. Planted, MathJax told to skip it: <span class="tex2jax_ignore">$\\frac{a}{b}$</span>',
                'raw TeX not rendered'),
    'broken_img': ('A picture that is not one: <img src="data:image/png;base64,AAAAAAAA" alt="broken">',
                   'image not loaded'),
    'missing_img': ('<img src="nowhere.png" alt="missing">', 'image not loaded'),
    'bad_link': ('See [the lesson that does not exist](nowhere.ipynb).', 'link to a missing page'),
    'bad_anchor': ('See [a section that does not exist](index.ipynb#No-such-section).', 'no such anchor'),
    'mathjax_error': ('Bad TeX: $\\frac{a}$', 'MathJax error'),
    'empty_details': ('<details><summary>Answer</summary></details>', 'does not open'),
    'overflow': ('<div style="position: absolute; left: 0; width: 3000px">too wide</div>', 'page wider than the window'),
    'narrow_overflow': ('<div style="position: absolute; left: 0; width: 900px">wider than a phone</div>', f'{NARROW} px window'),
    'cut_off': ('<div style="overflow: hidden; width: 200px; white-space: nowrap">' + 'a long line, cut off ' * 9 + '</div>',
                'content cut off'),
    'console_error': ('<script>console.error("planted error")</script>Quiet prose.', 'console/network error'),
    'network': ('<img src="http://example.invalid/x.png" alt="off the machine">', 'console/network error'),
}

def self_test(shots):
    import importlib.util, nbformat
    # .ci/site.py by path: `import site` would give Python's own site module
    spec = importlib.util.spec_from_file_location('course_site', Path(__file__).resolve().parent/'site.py')
    course_site = importlib.util.module_from_spec(spec); spec.loader.exec_module(course_site)
    v4 = nbformat.v4
    with tempfile.TemporaryDirectory(prefix='site-selftest-') as tmp:
        nbs, dest = Path(tmp)/'nbs', Path(tmp)/'site'
        nbs.mkdir()
        good = v4.new_notebook(cells=[
            v4.new_markdown_cell('# Good page\n\nInline $x^2$ and display $$\\sum_i w_i x_i$$\n\n'
                                 '<details><summary>Answer</summary>$y = 2x$</details>\n\n[bad page](raw_tex.ipynb)'),
            v4.new_code_cell('#| echo: false\nplot()', outputs=[v4.new_output(
                'display_data', data={'image/png': PNG_1PX, 'text/plain': '<Figure>'})]),
            v4.new_code_cell('#| hide\nsecret = 1'),
            v4.new_code_cell("print('a table')", outputs=[v4.new_output('stream', name='stdout', text='a  b\n1  2\n')]),
        ])
        nbformat.write(good, nbs/'index.ipynb')
        for name, (md, _) in PLANTED.items():
            nbformat.write(v4.new_notebook(cells=[v4.new_markdown_cell(f'# {name}\n\n{md}')]), nbs/f'{name}.ipynb')
        course_site.build(dest, nbs, quiet=True)
        # and what the issue started from: a lesson with math as stock `jupyter nbconvert --to html` makes it
        # (MathJax from a CDN, which read time offline cannot reach)
        from nbconvert import HTMLExporter
        lesson = sorted((p for p in course_site.find_notebooks() if '$' in p.read_text()), key=lambda p: p.stem == 'index')[0]
        (dest/'stock_nbconvert.html').write_text(HTMLExporter().from_filename(str(lesson))[0])
        expected = {**{f'{k}.html': v[1] for k, v in PLANTED.items()}, 'stock_nbconvert.html': 'raw TeX not rendered'}
        page = (dest/'index.html').read_text()
        assert 'secret = 1' not in page and '#|' not in page, 'hidden cell or directive line leaked into the page'
        assert 'plot()' not in page, '#| echo: false did not drop the code'
        results = check_site(dest, shots, fail_word='caught')   # a planted fault found is the self-test passing
    wrong = []
    if results.get('index.html'): wrong.append(f"the good page failed: {results['index.html']}")
    for name, expect in expected.items():
        got = results.get(name)
        if not got or not any(expect in p for p in got): wrong.append(f'{name}: expected "{expect}", got {got}')
    print()
    for w in wrong: print('SELF-TEST WRONG:', w)
    n = len(expected) + 1
    print(f'self-test: {n - len(wrong)} passed, {len(wrong)} failed (each planted fault caught, the good page clean)')
    return not wrong


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('site', nargs='?', default=str(ROOT/'_site'), help='the built site (default: _site/)')
    ap.add_argument('--screenshots', default=str(ROOT/'.ci'/'screenshots'), help='where screenshots go (its old *.png removed first)')
    ap.add_argument('--no-screenshots', action='store_true')
    ap.add_argument('--self-test', action='store_true', help='check that planted faults are reported, then exit')
    ap.add_argument('--page', action='append', help='check only this page (relative to SITE); repeatable')
    a = ap.parse_args()
    t0 = time.time()
    shots = None if a.no_screenshots else Path(a.screenshots).resolve()
    if a.self_test:
        ok = self_test(shots/'self-test' if shots else None)
        print(f'took {time.time()-t0:.1f} s'); sys.exit(0 if ok else 1)
    site = Path(a.site)
    if not (site/'index.html').exists(): sys.exit(f'no site at {site}: build it with python .ci/site.py {a.site}')
    results = check_site(site, shots, a.page)
    bad = sum(1 for p in results.values() if p)
    if shots: print(f'screenshots in {shots}')
    print(f'browser check took {time.time()-t0:.1f} s')
    print(f'{len(results) - bad} passed, {bad} failed')
    sys.exit(1 if bad or not results else 0)


if __name__ == '__main__':
    main()
