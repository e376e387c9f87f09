#!/usr/bin/env python
"The site builder is the package's command `backprop_nb_site` (notebook nbs/A8_site.ipynb); this shim keeps `python .ci/site.py [DEST]` working."
import sys, pathlib; sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
from backprop_nb.site import main; main()
