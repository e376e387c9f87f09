#!/usr/bin/env python
"""Run notebooks the way a reader does: in JupyterLab, in a real browser, through the menu Run > Run All Cells.

    python .ci/jupyterlab_check.py [NOTEBOOK ...] [--expect-prompt 06_debug.ipynb] [--timeout 600]
    # default notebooks: nbs/05_grads.ipynb nbs/06_debug.ipynb

Starts the venv's `jupyter lab` on 127.0.0.1 (a free port, a random token, --no-browser; --allow-root as root) on
a temporary copy of the repo, so nothing in the work tree changes; opens each notebook in headless Chromium
(Debian's `chromium`, driven by Playwright), clicks Run > Run All Cells and waits until the kernel is idle. Passes
when every code cell ran (has an execution count) and no output is an error. A cell that stops at a stdin prompt
(a `pdb.set_trace()` cell gives `ipdb>`) is answered with `c` Enter; that fails the notebook unless it was named
with --expect-prompt, and a notebook named there fails if no prompt appeared. Bounded by --timeout overall; the
server is stopped by its PID (and any kernel it leaves, by theirs) and the temporary folder removed.
One line per notebook, then `N passed, N failed`; exit 1 on any failure.
"""
import argparse, json, os, re, secrets, shutil, signal, socket, subprocess, sys, tempfile, time, urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from browser_check import launch  # noqa: E402  (Debian Chromium with the same flags)

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_NBS = ['nbs/05_grads.ipynb', 'nbs/06_debug.ipynb']


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0)); return s.getsockname()[1]


def copy_repo(dest):
    "The repo's files as they are in the work tree, git-ignored ones left out (else the folders the notebooks need)."
    try: files = subprocess.run(['git', 'ls-files', '-z', '--cached', '--others', '--exclude-standard'], cwd=ROOT, capture_output=True, check=True).stdout.decode().split('\0')
    except (OSError, subprocess.CalledProcessError): files = []
    files = [f for f in files if f and (ROOT/f).is_file()]
    if not files:
        files = [p.relative_to(ROOT).as_posix() for d in ('nbs', 'backprop_nb', 'data') for p in (ROOT/d).rglob('*') if p.is_file()]
        files += ['settings.ini']
    for f in files:
        (dest/f).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT/f, dest/f)


def descendants(pid):
    "PIDs of every live process below `pid` (from /proc), so kernels can be stopped by their own PID if need be."
    kids = {}
    for d in Path('/proc').iterdir():
        if not d.name.isdigit(): continue
        try: ppid = int((d/'stat').read_text().rsplit(')', 1)[1].split()[1])
        except (OSError, IndexError, ValueError): continue
        kids.setdefault(ppid, []).append(int(d.name))
    out, todo = [], [pid]
    while todo:
        for k in kids.get(todo.pop(), []): out.append(k); todo.append(k)
    return out


def stop(proc, grace=15):
    "Stop the server by its PID (it shuts its kernels down), then any process it left, by PID."
    if proc.poll() is not None: return
    left = descendants(proc.pid)
    proc.send_signal(signal.SIGTERM)
    try: proc.wait(grace)
    except subprocess.TimeoutExpired:
        proc.kill(); proc.wait(5)
    for pid in left:
        try: os.kill(pid, signal.SIGKILL)
        except ProcessLookupError: pass


class Lab:
    "A JupyterLab server on 127.0.0.1 for the repo copy at `root`, with its own config/runtime/settings folders."
    def __init__(self, root, tmp):
        self.port, self.token = free_port(), secrets.token_hex(24)
        self.url = f'http://127.0.0.1:{self.port}/'
        env = dict(os.environ)
        for k in ('JUPYTER_CONFIG_DIR', 'JUPYTER_RUNTIME_DIR', 'JUPYTERLAB_SETTINGS_DIR', 'JUPYTERLAB_WORKSPACES_DIR', 'IPYTHONDIR'):
            env[k] = str(tmp/k.lower()); Path(env[k]).mkdir()
        # no "get notified about Jupyter news?" toast over the page (the plugin would also try the network)
        cfg = Path(env['JUPYTER_CONFIG_DIR'])/'labconfig'; cfg.mkdir(parents=True)
        (cfg/'page_config.json').write_text(json.dumps({'disabledExtensions': {'@jupyterlab/apputils-extension:announcements': True}}))
        # kernels import the copy's backprop_nb, as in a clone; plots use the notebook's inline backend
        env['PYTHONPATH'] = os.pathsep.join([str(root)] + [p for p in env.get('PYTHONPATH', '').split(os.pathsep) if p])
        env.pop('MPLBACKEND', None)
        jupyter = Path(sys.executable).with_name('jupyter')
        cmd = [str(jupyter) if jupyter.exists() else 'jupyter', 'lab', '--no-browser', '--ip=127.0.0.1',
               f'--port={self.port}', '--port-retries=0', f'--IdentityProvider.token={self.token}',
               f'--ServerApp.root_dir={root}', '--expose-app-in-browser',
               '--LabApp.news_url=None', '--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate']
        if os.geteuid() == 0: cmd.append('--allow-root')
        self.log = open(tmp/'jupyter-lab.log', 'w')
        self.proc = subprocess.Popen(cmd, cwd=root, env=env, stdin=subprocess.DEVNULL, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        self.log_path = tmp/'jupyter-lab.log'

    def api(self, path, method='GET'):
        req = urllib.request.Request(f'{self.url}api/{path}', method=method,
                                     headers={'Authorization': f'token {self.token}'})
        with urllib.request.urlopen(req, timeout=10) as r:
            body = r.read()
            return json.loads(body) if body else None

    def wait_ready(self, timeout=90):
        t = time.time()
        while time.time() - t < timeout:
            if self.proc.poll() is not None: raise RuntimeError(f'jupyter lab exited {self.proc.returncode}')
            try: self.api('status'); return time.time() - t
            except OSError: time.sleep(0.5)
        raise TimeoutError('jupyter lab did not answer')

    def shutdown_sessions(self):
        for s in self.api('sessions') or []: self.api(f"sessions/{s['id']}", 'DELETE')


# Read from JupyterLab's own model (window.jupyterapp, from --expose-app-in-browser), not from the DOM, which
# renders only the cells in view.
STATE_JS = r"""
(path) => {
  const w = window.jupyterapp && Array.from(window.jupyterapp.shell.widgets('main')).find(w => w.context && w.context.path === path);
  if (!w) return null;
  const nb = w.content, ctx = w.sessionContext;
  const cells = [];
  for (let i = 0; i < nb.model.cells.length; i++) {
    const c = nb.model.cells.get(i);
    if (c.type !== 'code') continue;
    const src = c.sharedModel.getSource();
    const outs = [];
    for (let j = 0; j < c.outputs.length; j++) {
      const o = c.outputs.get(j).toJSON();
      outs.push({type: o.output_type, name: o.name || '', ename: o.ename || '', evalue: (o.evalue || '').slice(0, 200)});
    }
    cells.push({i, count: c.executionCount, empty: !src.trim(), head: src.split('\n')[0].slice(0, 60), outs});
  }
  return {status: ctx.session && ctx.session.kernel ? ctx.session.kernel.status : 'no kernel', cells,
          ready: ctx.isReady};
}
"""


def run_notebook(page, lab, rel, expect_prompt, deadline):
    "Open `rel`, Run All Cells from the menu, answer stdin prompts; return (problems, notes)."
    from playwright.sync_api import Error as PWError
    problems, notes, prompts = [], [], []
    page.goto(f'{lab.url}lab/tree/{rel}?reset&token={lab.token}', wait_until='domcontentloaded', timeout=60_000)
    page.wait_for_function('window.jupyterapp && window.jupyterapp.shell', timeout=60_000)
    # the notebook is open and its kernel idle before we touch the menu
    page.wait_for_function(f'(() => {{ const s = ({STATE_JS})({json.dumps(rel)}); return s && s.ready && s.status === "idle"; }})()',
                           timeout=90_000)
    page.locator('.lm-MenuBar-itemLabel', has_text=re.compile(r'^Run$')).click()
    page.locator('.lm-Menu-itemLabel', has_text=re.compile(r'^Run All Cells$')).click()
    t0, busy_seen, idle_since = time.time(), False, None
    while True:
        if time.time() > deadline: problems.append('timed out (overall --timeout)'); break
        stdin = page.locator('.jp-Stdin-input')
        if stdin.count():
            # the prompt widget can be replaced between these calls (answered, or re-rendered on a busy machine):
            # short timeouts, and on a miss look again rather than wait out playwright's default 30 s
            try: prompt = page.locator('.jp-Stdin-prompt').first.inner_text(timeout=5_000).strip()
            except PWError: prompt = '(prompt text not found)'  # answer the input all the same
            try:
                if lab.shots and not prompts:
                    stdin.first.scroll_into_view_if_needed(timeout=5_000)
                    page.screenshot(path=str(lab.shots/(Path(rel).stem + '-prompt.png')))
                stdin.first.fill('c', timeout=5_000); stdin.first.press('Enter', timeout=5_000)
            except PWError:
                page.wait_for_timeout(250); continue
            prompts.append(prompt)
            page.wait_for_timeout(500); continue
        s = page.evaluate(STATE_JS, rel)
        pending = [c for c in s['cells'] if not c['empty'] and c['count'] is None]
        if s['status'] != 'idle': busy_seen, idle_since = True, None
        elif idle_since is None: idle_since = time.time()
        # done: kernel idle for a moment after having run something, or every cell has a count; a run that stopped
        # at an error so fast that we never saw the kernel busy leaves cells pending: idle for 15 s ends it too
        if idle_since and (time.time() - idle_since > 2 and (busy_seen or not pending) or time.time() - idle_since > 15): break
        page.wait_for_timeout(250)
    notes.append(f'ran in {time.time() - t0:.1f} s')
    s = page.evaluate(STATE_JS, rel)
    code = [c for c in s['cells'] if not c['empty']]
    not_run = [c for c in code if c['count'] is None]
    errors = [(c, o) for c in code for o in c['outs'] if o['type'] == 'error']
    if errors:
        problems.append(f'{len(errors)} error output(s): ' + ' | '.join(f"cell {c['i']} ({c['head']}): {o['ename']}: {o['evalue']}" for c, o in errors[:3]))
    if not_run:
        problems.append(f'{len(not_run)} of {len(code)} code cells did not run, from cell {not_run[0]["i"]} ({not_run[0]["head"]})')
    if prompts and not expect_prompt: problems.append(f'unexpected stdin prompt {prompts[0]!r} (answered c)')
    if expect_prompt and not prompts: problems.append('the expected stdin prompt (--expect-prompt) never appeared')
    notes.insert(0, f'{len(code) - len(not_run)} of {len(code)} code cells ran')
    if prompts: notes.append(f'stdin prompt {prompts[0]!r} appeared {len(prompts)} time(s), answered c')
    if lab.shots: page.screenshot(path=str(lab.shots/(Path(rel).stem + '.png')))
    return problems, notes


def check(root, notebooks, expect_prompt, deadline, shots, tmp, fail_word='FAILED'):
    "Run each notebook (path relative to `root`) in one JupyterLab server; return {notebook: problems}."
    from playwright.sync_api import sync_playwright
    results, lab = {}, None
    try:
        lab = Lab(root, tmp)
        lab.shots = shots
        if shots: shots.mkdir(parents=True, exist_ok=True)
        print(f'jupyter lab (pid {lab.proc.pid}) up in {lab.wait_ready():.1f} s on 127.0.0.1:{lab.port}')
        with sync_playwright() as pw:
            browser = launch(pw)
            ctx = browser.new_context(viewport={'width': 1280, 'height': 900})
            for nb in notebooks:
                rel = Path(nb).as_posix()
                t = time.time()
                page = ctx.new_page()
                console = []
                page.on('pageerror', lambda e: console.append(str(e)[:150]))
                try:
                    if not (root/rel).is_file(): raise FileNotFoundError(rel)
                    problems, notes = run_notebook(page, lab, rel, Path(rel).name in expect_prompt, deadline)
                except Exception as e:
                    problems, notes = [f'could not run: {type(e).__name__}: {str(e).splitlines()[0][:300]}'], []
                finally:
                    page.close()
                    try: lab.shutdown_sessions()
                    except OSError: pass
                if console: notes.append('page errors: ' + ' | '.join(console[:3]))
                results[rel] = problems
                print(f"{'ok' if not problems else fail_word}: {rel} ({time.time() - t:.1f} s; {'; '.join(notes)})")
                for p in problems: print(f'    {p}')
            browser.close()
    except Exception as e:
        print(f'FAILED: jupyterlab check: {type(e).__name__}: {e}')
        results['(server)'] = [str(e)]
    finally:
        if lab:
            stop(lab.proc)
            lab.log.close()
            if any(results.values()) and fail_word == 'FAILED':
                print('--- end of the jupyter lab log:'); print(''.join(lab.log_path.read_text().splitlines(True)[-10:]))
            print(f'jupyter lab (pid {lab.proc.pid}) stopped, exit code {lab.proc.returncode}')
    return results


def self_test(deadline, shots, tmp):
    """Planted cases, in a repo copy: 06 with its `pdb.set_trace()` cell must stop at `ipdb>` and pass
    when the prompt is expected; a notebook with an error and one whose prompt is expected but absent must fail."""
    import nbformat
    root = tmp/'repo'; copy_repo(root)
    v4 = nbformat.v4
    nb = nbformat.read(root/'nbs/06_debug.ipynb', as_version=4)
    n = 0
    for c in nb.cells:  # its live cell stops at pdb.set_trace() (an older copy's breakpoint() is turned into one)
        if c.cell_type == 'code' and 'breakpoint()' in c.source:
            c.source = c.source.replace('breakpoint()', 'import pdb; pdb.set_trace()')
        n += c.cell_type == 'code' and 'pdb.set_trace()' in c.source
    assert n, 'no pdb.set_trace() cell in 06_debug.ipynb'
    nbformat.write(nb, root/'nbs/zz_prompt.ipynb')
    nbformat.write(v4.new_notebook(cells=[v4.new_code_cell('x = 1'), v4.new_code_cell('1/0'), v4.new_code_cell('y = 2')],
                                   metadata={'kernelspec': {'name': 'python3', 'display_name': 'Python 3', 'language': 'python'}}),
                   root/'nbs/zz_error.ipynb')
    nbformat.write(v4.new_notebook(cells=[v4.new_code_cell('x = 1')],
                                   metadata={'kernelspec': {'name': 'python3', 'display_name': 'Python 3', 'language': 'python'}}),
                   root/'nbs/zz_no_prompt.ipynb')
    expected = {'nbs/zz_prompt.ipynb': None, 'nbs/zz_error.ipynb': 'error output', 'nbs/zz_no_prompt.ipynb': 'never appeared'}
    results = check(root, list(expected), ['zz_prompt.ipynb', 'zz_no_prompt.ipynb'], deadline, shots, tmp, fail_word='caught')
    wrong = []
    for nb, expect in expected.items():
        got = results.get(nb)
        if got is None: wrong.append(f'{nb}: not checked')
        elif expect is None and got: wrong.append(f'{nb}: should pass, got {got}')
        elif expect and not any(expect in p for p in got): wrong.append(f'{nb}: expected "{expect}", got {got}')
    if expect := results.get('nbs/zz_error.ipynb'):
        if not any('did not run' in p for p in expect): wrong.append('zz_error: the cell after the error should be reported as not run')
    for w in wrong: print('SELF-TEST WRONG:', w)
    print(f'self-test: {len(expected) - len(wrong)} passed, {len(wrong)} failed')
    return not wrong


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('notebooks', nargs='*', default=DEFAULT_NBS, help='notebooks, relative to the repo')
    ap.add_argument('--expect-prompt', action='append', default=[], metavar='NAME',
                    help='notebook (file name) that must stop at a stdin prompt such as ipdb>; repeatable')
    ap.add_argument('--timeout', type=float, default=600, help='overall limit in seconds (default 600)')
    ap.add_argument('--screenshots', default=str(ROOT/'.ci'/'screenshots'/'jupyterlab'), help='a screenshot per notebook at the end of its run')
    ap.add_argument('--self-test', action='store_true', help='planted cases (a pdb prompt, an error, a missing prompt) must be told apart')
    a = ap.parse_args()
    t_start = time.time(); deadline = t_start + a.timeout
    # a hard stop a minute after the soft one, should a browser call hang: the finally blocks still stop the server
    def _alarm(*_): raise TimeoutError(f'jupyterlab check: over --timeout {a.timeout:.0f} s + 60 s')
    signal.signal(signal.SIGALRM, _alarm); signal.alarm(int(a.timeout) + 60)
    shots = Path(a.screenshots).resolve() if a.screenshots else None
    tmp = Path(tempfile.mkdtemp(prefix='jlab-check-'))
    try:
        if a.self_test:
            ok = self_test(deadline, shots, tmp)
            print(f'jupyterlab self-test took {time.time() - t_start:.1f} s')
            sys.exit(0 if ok else 1)
        root = tmp/'repo'; copy_repo(root)
        results = check(root, a.notebooks, a.expect_prompt, deadline, shots, tmp)
    finally:
        for _ in range(10):   # a kernel that was just stopped may still be writing into the copy
            shutil.rmtree(tmp, ignore_errors=True)
            if not tmp.exists(): break
            time.sleep(1)
        if tmp.exists(): print(f'could not remove {tmp}')
    bad = sum(1 for p in results.values() if p)
    print(f'jupyterlab check took {time.time() - t_start:.1f} s')
    print(f'{len(results) - bad} passed, {bad} failed')
    sys.exit(1 if bad or not results else 0)


if __name__ == '__main__':
    main()
