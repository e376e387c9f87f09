#!/usr/bin/env python
"""Open every page of the course site in headless Chromium and check what a reader sees, at desktop and phone width.

    python .ci/browser_check.py [SITE]        # default SITE: _site/ (build it first: backprop_nb_site)
    python .ci/browser_check.py --self-test   # builds pages with planted faults and checks that each is caught
    python .ci/browser_check.py SITE --self-test   # both, in one browser (what CI runs)
    python .ci/browser_check.py --screenshots .ci/screenshots   # also keep a full-page screenshot of each page

Per page, at 1280 px and again at 390 px (a phone): no content cut off (an element whose `overflow` is hidden or
clip and whose content is wider than its box; MathJax's visually hidden assistive spans aside), the page no wider
than the window. Once per page: no raw `$...$` left once MathJax has finished, no MathJax error, every image loaded
and with real alt text, no link to a missing page or anchor, every <details> in the lesson opens on a click, the
sidebar marks this page (and only it), the page's contents list its `##`/`###` headings, no console error, no failed or off-machine request. Once per site: a word
typed into the search box gives a result (served over http), and opened as a file the page says search needs a server.
One line per page, the clipped counts, then `N passed, N failed`; exit 1 on any failure.

Needs Debian's `chromium` (apt-get install chromium) and the `playwright` package from PyPI; Playwright drives the
system Chromium through executable_path (never `playwright install`). One browser; pages are checked in parallel
contexts. The site is served from 127.0.0.1 by an http.server in this process; every other request is blocked.
"""
import argparse, asyncio, contextlib, functools, http.server, os, re, sys, tempfile, threading, time
from pathlib import Path
from urllib.parse import urlsplit, unquote

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_PATHS = ['/usr/bin/chromium', '/usr/lib/chromium/chromium']
CHROMIUM_ARGS = ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking',
                 '--disable-component-update', '--disable-sync', '--no-first-run']
WIDE, NARROW = 1280, 390    # px: a desktop window and a phone
SEARCH_WORD = 'gradient'    # a word the course surely contains (the self-test's pages contain it too)


def chromium_path():
    for p in [os.environ.get('CHROMIUM')] + CHROMIUM_PATHS:
        if p and os.access(p, os.X_OK): return p
    return None


def launch(pw):
    "Debian's Chromium with our flags, from Playwright's sync API (.ci/jupyterlab_check.py uses it)."
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
  MathJax.Hub.Register.StartupHook('End', function () { MathJax.Hub.Queue(function () { res('done'); }); });
})
"""

# Content cut off: an element that hides (overflow hidden or clip) content wider than its box. MathJax's internal
# boxes and its visually hidden assistive MathML (1 px, clipped on purpose for screen readers) are its business.
CLIPPED_JS = r"""
() => {
  const clipped = [];
  const mj = '.MathJax, .MathJax_CHTML, .mjx-chtml, .MJX_Assistive_MathML, [class*="MJX"], svg';
  document.querySelectorAll('body *').forEach(e => {
    if (e.closest(mj)) return;
    const st = getComputedStyle(e);
    if (st.display === 'none') return;
    if ((st.overflowX === 'hidden' || st.overflowX === 'clip') && e.scrollWidth > e.clientWidth + 1)
      clipped.push(e.tagName.toLowerCase() + (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ')[0] : '') +
                   ` (${e.scrollWidth} > ${e.clientWidth} px): ` + (e.textContent || '').trim().slice(0, 40));
  });
  const se = document.scrollingElement;
  return {clipped, scrollWidth: se.scrollWidth, clientWidth: se.clientWidth};
}
"""

# Everything else is read from the finished page in one go.
INSPECT_JS = r"""
() => {
  const skip = 'script, style, pre, code, textarea, noscript, .highlight, .MathJax, .MathJax_CHTML, .mjx-chtml, .MathJax_Preview, [class*="MJX"]';
  const raw = [], tex = /\$\$[^$]+\$\$|\$[^$\s][^$]*\$|\\begin\{|\\\(|\\\[/g;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
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
  const noAlt = Array.from(document.images).filter(i => { const a = (i.getAttribute('alt') || '').trim();
    return !a || /no description/i.test(a); }).map(i => (i.getAttribute('alt') || '(none)').slice(0, 60));
  const links = Array.from(document.querySelectorAll('a[href]')).map(a => a.href);
  const ids = Array.from(document.querySelectorAll('[id], a[name]')).map(e => e.id || e.getAttribute('name'));
  const marked = Array.from(document.querySelectorAll('.course-sidebar a[aria-current="page"]')).map(a => a.href);
  const sidebar = document.querySelectorAll('.course-sidebar a').length;
  const headings = Array.from(document.querySelectorAll('main h2[id], main h3[id]')).map(h => '#' + h.id);
  const toc = Array.from(document.querySelectorAll('nav.course-toc a')).map(a => a.getAttribute('href'));
  return {raw, mjErrors, images, noAlt, links, ids, marked, sidebar, headings, toc};
}
"""

DETAILS_SHUT_JS = r"""
() => Array.from(document.querySelectorAll('main details:not(.course-fold)')).filter(d => !d.open ||
   Array.from(d.children).filter(c => c.tagName !== 'SUMMARY').every(c => c.getBoundingClientRect().height === 0) &&
   !Array.from(d.childNodes).some(c => c.nodeType === 3 && c.textContent.trim())).map(d => d.textContent.trim().slice(0, 40))
"""

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


def is_notebook_page(rel): return '/' not in rel   # pages under files/ are repo files, not in the sidebar


async def check_page(browser, srv, site, rel, shots):
    "Load one page; return (problems, clipped counts {width: n}, MathJax state)."
    ctx = await browser.new_context(viewport={'width': WIDE, 'height': 900})
    await ctx.add_init_script(INIT_JS)
    # read time is offline: anything not served by our own server is blocked (and then reported as failed)
    await ctx.route('**/*', lambda route: route.continue_() if route.request.url.startswith((srv.url, 'data:'))
                    else route.abort('blockedbyclient'))
    page = await ctx.new_page()
    problems, console, clipped = [], [], {}
    page.on('console', lambda m: console.append(f'console {m.type}: {m.text[:120]}') if m.type == 'error' else None)
    page.on('pageerror', lambda e: console.append(f'page error: {str(e)[:120]}'))
    page.on('requestfailed', lambda r: console.append(f'request failed: {r.url[:100]} ({r.failure})')
            if not r.url.startswith('data:') else None)
    page.on('response', lambda r: console.append(f'HTTP {r.status}: {r.url[:100]}') if r.status >= 400 else None)
    try:
        await page.goto(srv.url + rel, wait_until='load', timeout=30_000)
        state = await page.evaluate(MATHJAX_DONE_JS)
        if state == 'timed out': problems.append('MathJax did not finish within 20 s')
        # every <details> answer in the lesson opens on a click and shows something
        summaries = page.locator('main details:not(.course-fold) > summary')
        for i in range(await summaries.count()):
            await summaries.nth(i).click()
        shut = await page.evaluate(DETAILS_SHUT_JS)
        if shut: problems.append(f'<details> that does not open to show its content ({len(shut)}): ' + ' | '.join(shut[:3]))
        r = await page.evaluate(INSPECT_JS)
        if r['raw']: problems.append(f"raw TeX not rendered ({len(r['raw'])}): " + ' | '.join(r['raw'][:3]))
        if r['mjErrors']: problems.append(f"MathJax error ({len(r['mjErrors'])}): " + ' | '.join(r['mjErrors'][:3]))
        if r['images']: problems.append(f"image not loaded ({len(r['images'])}): " + ' | '.join(r['images'][:3]))
        if r['noAlt']: problems.append(f"image without alt text ({len(r['noAlt'])}): " + ' | '.join(r['noAlt'][:3]))
        missing = []
        for url in dict.fromkeys(r['links']):
            f, frag = local_file(site, srv.url, url)
            if f is None: continue
            if not f.is_file(): missing.append(url[len(srv.url):])
            elif frag and not {frag, unquote(frag)} & (set(r['ids']) if f == site/rel else ids_in(str(f))):
                missing.append(url[len(srv.url):] + ' (no such anchor)')
        if missing: problems.append(f'link to a missing page ({len(missing)}): ' + ' | '.join(missing[:3]))
        if is_notebook_page(rel) and (r['marked'] != [srv.url + rel]):
            problems.append(f"the sidebar does not mark this page (marked: {r['marked'] or 'none'}, {r['sidebar']} links)")
        if is_notebook_page(rel) and len(r['headings']) >= 2 and r['toc'] != [unquote(h) for h in r['headings']] and r['toc'] != r['headings']:
            problems.append(f"the page's contents do not list its {len(r['headings'])} headings ({len(r['toc'])} links)")
        for width in (WIDE, NARROW):
            if width != WIDE:   # the layout reflows (the page's script folds the menus); nothing is reloaded
                await page.set_viewport_size({'width': width, 'height': 800})
                await page.evaluate('() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))')
            c = await page.evaluate(CLIPPED_JS)
            clipped[width] = len(c['clipped'])
            if c['clipped']: problems.append(f"content cut off at {width} px ({len(c['clipped'])}): " + ' | '.join(c['clipped'][:3]))
            if c['scrollWidth'] > c['clientWidth'] + 1:
                problems.append(f"page wider than a {width} px window: scrollWidth {c['scrollWidth']} > clientWidth {c['clientWidth']}")
            if shots:
                await page.screenshot(path=str(shots/(rel.replace('/', '__').removesuffix('.html') + f'-{width}.png')), full_page=True)
        if console: problems.append(f'console/network error ({len(console)}): ' + ' | '.join(dict.fromkeys(console)))
    except Exception as e:
        problems.append(f'could not check: {type(e).__name__}: {str(e)[:200]}'); state = '?'
    finally:
        await ctx.close()
    return problems, clipped, state


async def check_search(browser, srv, site):
    "Type a word in the search box of the index page (served over http): a result must link to a page of the site."
    ctx = await browser.new_context(viewport={'width': WIDE, 'height': 900})
    await ctx.route('**/*', lambda route: route.continue_() if route.request.url.startswith((srv.url, 'data:'))
                    else route.abort('blockedbyclient'))
    page = await ctx.new_page()
    try:
        await page.goto(srv.url + 'index.html', wait_until='load')
        box = page.locator('.pagefind-ui__search-input')
        await box.fill(SEARCH_WORD, timeout=10_000)
        first = page.locator('.pagefind-ui__result-link').first
        await first.wait_for(timeout=10_000)
        href = await first.get_attribute('href')
        f, _ = local_file(site, srv.url, await first.evaluate('a => a.href'))
        if f is None or not f.is_file(): return [f'search for "{SEARCH_WORD}": the first result links to a missing page ({href})']
        n = await page.locator('.pagefind-ui__result').count()
        print(f'ok: search for "{SEARCH_WORD}" gives {n} results, the first {href}')
        return []
    except Exception as e:
        return [f'search for "{SEARCH_WORD}" gave no result: {type(e).__name__}: {str(e).splitlines()[0][:150]}']
    finally:
        await ctx.close()
    

async def check_file_url(browser, site):
    "Opened as a file, the index page says that search needs a server (browsers do not let a file:// page fetch the index)."
    ctx = await browser.new_context()
    page = await ctx.new_page()
    try:
        await page.goto((site/'index.html').as_uri(), wait_until='load')
        note = await page.locator('.course-search-note').text_content(timeout=5_000)
        if 'http.server' not in (note or ''): return [f'opened as a file, the search box does not say it needs a server: {note!r}']
        return []
    except Exception as e:
        return [f'opened as a file, no note that search needs a server: {type(e).__name__}']
    finally:
        await ctx.close()


class Run:
    "One site to check: its pages, and what was found on each."
    def __init__(self, site, shots=None, only=None, fail_word='FAILED', search=True, label=''):
        self.site, self.shots, self.fail_word, self.search, self.label = Path(site).resolve(), shots, fail_word, search, label
        self.pages = sorted(p.relative_to(self.site).as_posix() for p in self.site.rglob('*.html')
                            if not {'mathjax', 'pagefind'} & set(p.relative_to(self.site).parts))
        if only: self.pages = [p for p in self.pages if p in only]
        self.results, self.clipped = {}, {}
        if shots:
            shots.mkdir(parents=True, exist_ok=True)
            for old in shots.glob('*.png'): old.unlink()   # last run's pages (only our own kind of file)


async def check_runs(runs, jobs):
    "Check every page of every run in one browser, `jobs` pages at a time; fills each run's results."
    from playwright.async_api import async_playwright
    exe = chromium_path()
    if exe is None: sys.exit('no Chromium: apt-get install -y chromium (or set CHROMIUM=/path/to/chromium)')
    sem = asyncio.Semaphore(jobs)
    with contextlib.ExitStack() as stack:
        servers = [stack.enter_context(Server(r.site)) for r in runs]
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS, headless=True)
            async def one(run, srv, rel):
                async with sem:
                    t = time.time()
                    problems, run.clipped[rel], state = await check_page(browser, srv, run.site, rel, run.shots)
                run.results[rel] = problems
                counts = ', '.join(f'{n} at {w} px' for w, n in run.clipped[rel].items())
                print(f"{'ok' if not problems else run.fail_word}: {run.label}{rel} ({time.time()-t:.1f} s, MathJax {state}; clipped: {counts})")
                for p in problems: print(f'    {p}')
            async def search(run, srv, name, check):
                async with sem: run.results[name] = await check
                for p in run.results[name]: print(f'{run.fail_word}: {run.label}{name}\n    {p}')
            coros = []
            for run, srv in zip(runs, servers):
                coros += [one(run, srv, rel) for rel in run.pages]
                if run.search:
                    coros += [search(run, srv, '(search, over http)', check_search(browser, srv, run.site)),
                              search(run, srv, '(search note, from file://)', check_file_url(browser, run.site))]
            await asyncio.gather(*coros)
            await browser.close()
    return runs


def check_site(site, shots=None, only=None, fail_word='FAILED', jobs=4, search=True):
    "Check every page of the site; returns ({page: problems}, {page: {width: clipped count}})."
    run, = asyncio.run(check_runs([Run(site, shots, only, fail_word, search)], jobs))
    return run.results, run.clipped


# ---------------------------------------------------------------- self-test: every planted fault must be caught
PNG_1PX = ('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==')
PLANTED = {  # page: (markdown cell, the problem it must trigger)
    'raw_tex': ('Rendered: $a+b$. Planted, MathJax told to skip it: <span class="tex2jax_ignore">$\\frac{a}{b}$</span>',
                'raw TeX not rendered'),
    'broken_img': ('A picture that is not one: <img src="data:image/png;base64,AAAAAAAA" alt="broken">', 'image not loaded'),
    'missing_img': ('<img src="nowhere.png" alt="missing">', 'image not loaded'),
    'no_alt': (f'<img src="data:image/png;base64,{PNG_1PX}" alt="No description has been provided for this image">',
               'image without alt text'),
    'bad_link': ('See [the lesson that does not exist](nowhere.ipynb).', 'link to a missing page'),
    'bad_anchor': ('See [a section that does not exist](index.ipynb#No-such-section).', 'no such anchor'),
    'mathjax_error': ('Bad TeX: $\\frac{a}$', 'MathJax error'),
    'empty_details': ('<details><summary>Answer</summary></details>', 'does not open'),
    'overflow': ('<div style="position: absolute; left: 0; width: 3000px">too wide</div>', f'wider than a {WIDE} px window'),
    'narrow_overflow': ('<div style="position: absolute; left: 0; width: 900px">wider than a phone</div>', f'wider than a {NARROW} px window'),
    'cut_off': ('<div style="overflow: hidden; width: 200px; white-space: nowrap">' + 'a long line, cut off ' * 9 + '</div>',
                f'content cut off at {WIDE} px'),
    # nbconvert's own phone rule, planted back: an output as a table row in a box that hides what sticks out
    'cut_off_phone': ('<div style="overflow: hidden; max-width: 100%"><div style="display: table-row"><pre style="margin: 0">' +
                      'a long output line that a phone cuts off, and more' + '</pre></div></div>', f'content cut off at {NARROW} px'),
    'console_error': ('<script>console.error("planted error")</script>Quiet prose.', 'console/network error'),
    'network': ('<img src="http://example.invalid/x.png" alt="off the machine">', 'console/network error'),
    'unmarked': ('The builder marks this page in the sidebar; the self-test removes the mark.', 'the sidebar does not mark this page'),
    'no_toc': ('## One\n\ntext\n\n## Two\n\nThe builder lists these headings on the right; the self-test removes the list.',
               "the page's contents do not list its 2 headings"),
}

def plant(tmp):
    "Build the self-test's site in `tmp`: a good page and one page per planted fault; returns (site, {page: expected problem})."
    import nbformat
    from nbconvert import HTMLExporter
    from backprop_nb import site as course_site
    v4 = nbformat.v4
    nbs, dest = Path(tmp)/'nbs', Path(tmp)/'site'
    nbs.mkdir()
    good = v4.new_notebook(cells=[
        v4.new_markdown_cell('# Good page\n\n## Math\n\nInline $x^2$ and display $$\\sum_i w_i x_i$$\n\n'
                             '<details><summary>Answer</summary>$y = 2x$</details>\n\n[bad page](raw_tex.ipynb)\n\n'
                             '## A long output\n\nThe gradient of a long line:'),
        v4.new_code_cell('#| echo: false\nplot()', outputs=[v4.new_output(
            'display_data', data={'image/png': PNG_1PX, 'text/plain': '<Figure>'})]),
        v4.new_code_cell('#| hide\nsecret = 1'),
        v4.new_code_cell("print('a table')", outputs=[v4.new_output('stream', name='stdout', text='a  b\n1  2\n' + 'x' * 300 + '\n')]),
    ])
    nbformat.write(good, nbs/'index.ipynb')
    for name, (md, _) in PLANTED.items():
        nbformat.write(v4.new_notebook(cells=[v4.new_markdown_cell(f'# {name}\n\n{md}')]), nbs/f'{name}.ipynb')
    course_site.build(dest, nbs, quiet=True, search=True)
    un = dest/'unmarked.html'
    un.write_text(un.read_text().replace('aria-current="page" ', ''))
    nt = dest/'no_toc.html'
    nt.write_text(re.sub(r'(<nav[^>]*class="course-toc"[^>]*>).*?</nav>', r'\1</nav>', nt.read_text(), flags=re.S))
    # and what the issue started from: a lesson with math as stock `jupyter nbconvert --to html` makes it
    # (MathJax from a CDN, which read time offline cannot reach)
    real = course_site.find_nbs(ROOT)
    lesson = sorted((p for p in course_site.find_notebooks(real) if '$' in p.read_text()), key=lambda p: p.stem == 'index')[0]
    (dest/'stock_nbconvert.html').write_text(HTMLExporter().from_filename(str(lesson))[0])
    page = (dest/'index.html').read_text()
    assert 'secret = 1' not in page and '#|' not in page, 'hidden cell or directive line leaked into the page'
    assert 'plot()' not in page, '#| echo: false did not drop the code'
    return dest, {**{f'{k}.html': v[1] for k, v in PLANTED.items()}, 'stock_nbconvert.html': 'raw TeX not rendered'}


def judge(results, expected):
    "The self-test's verdict: every planted fault caught, the good page and the search clean. Prints; returns True if so."
    wrong = []
    if results.get('index.html'): wrong.append(f"the good page failed: {results['index.html']}")
    for k in ('(search, over http)', '(search note, from file://)'):
        if k not in results or results[k]: wrong.append(f'{k} failed: {results.get(k, "not run")}')
    for name, expect in expected.items():
        got = results.get(name)
        if not got or not any(expect in p for p in got): wrong.append(f'{name}: expected "{expect}", got {got}')
    for w in wrong: print('SELF-TEST WRONG:', w)
    n = len(expected) + 3
    print(f'self-test: {n - len(wrong)} passed, {len(wrong)} failed (each planted fault caught; the good page and search clean)')
    return not wrong


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('site', nargs='?', help='the built site (default: _site/, unless --self-test is given alone)')
    ap.add_argument('--screenshots', metavar='DIR', help='keep a full-page screenshot of each page at each width in DIR '
                    '(its old *.png removed first)')
    ap.add_argument('--no-screenshots', action='store_true', help='(the default; kept for old callers)')
    ap.add_argument('--jobs', type=int, default=4, help='pages checked at once (default 4)')
    ap.add_argument('--self-test', action='store_true', help='also (or, without SITE, only) check that planted faults are reported')
    ap.add_argument('--page', action='append', help='check only this page (relative to SITE); repeatable')
    a = ap.parse_args()
    t0 = time.time()
    shots = Path(a.screenshots).resolve() if a.screenshots else None
    site = Path(a.site) if a.site else (None if a.self_test else ROOT/'_site')
    if site is not None and not (site/'index.html').exists(): sys.exit(f'no site at {site}: build it with backprop_nb_site {site}')
    with tempfile.TemporaryDirectory(prefix='site-selftest-') as tmp:
        runs = []
        if a.self_test:
            planted, expected = plant(tmp)
            # a planted fault found is the self-test passing
            runs.append(Run(planted, shots/'self-test' if shots else None, fail_word='caught', label='self-test/'))
        if site is not None: runs.append(Run(site, shots, a.page, search=not a.page))
        asyncio.run(check_runs(runs, a.jobs))
    print()
    ok = True
    if a.self_test: ok = judge(runs[0].results, expected) and ok
    if site is not None:
        run = runs[-1]
        bad = sum(1 for p in run.results.values() if p)
        for w in (WIDE, NARROW):
            print(f'clipped elements at {w} px: {sum(c.get(w, 0) for c in run.clipped.values())} on {len(run.clipped)} pages')
        if shots: print(f'screenshots in {shots}')
        print(f'{len(run.results) - bad} passed, {bad} failed')
        ok = ok and not bad and bool(run.results)
    print(f'browser check took {time.time()-t0:.1f} s')
    sys.exit(0 if ok else 1)


if __name__ == '__main__':
    main()
