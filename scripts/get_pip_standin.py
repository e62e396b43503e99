"""Offline stand-in for the get-pip.py script ansible-test downloads to bootstrap pip in its venvs.

It runs a pip wheel (the one scripts/env.sh downloaded, else the one bundled with ensurepip or
Debian's python3-pip-whl) to `pip install` what ansible-test asks for. scripts/env.sh copies it to
~/.ansible/test/cache/get_pip_<version>.py with @WHEEL_DIR@ filled in.
"""
import glob
import os
import runpy
import sys

import ensurepip

PLACES = ['@WHEEL_DIR@', os.path.join(os.path.dirname(ensurepip.__file__), '_bundled'), '/usr/share/python-wheels']
wheels = [w for place in PLACES for w in sorted(glob.glob(os.path.join(place, 'pip-*.whl')))]
if not wheels:
    sys.exit('no pip wheel found in %s' % ', '.join(PLACES))
sys.path.insert(0, wheels[0])
args = [a for a in sys.argv[1:] if a not in ('--no-setuptools', '--no-wheel')]
sys.argv = ['pip', 'install'] + args
runpy.run_module('pip', run_name='__main__', alter_sys=True)
