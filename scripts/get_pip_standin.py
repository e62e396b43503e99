"""Offline stand-in for the get-pip.py script ansible-test downloads to bootstrap pip in its venvs.

It runs the pip wheel bundled with ensurepip to `pip install` what ansible-test asks for.
scripts/test.sh copies it to ~/.ansible/test/cache/get_pip_<version>.py.
"""
import glob
import os
import runpy
import sys

import ensurepip

wheels = glob.glob(os.path.join(os.path.dirname(ensurepip.__file__), '_bundled', 'pip-*.whl'))
if not wheels:
    sys.exit('no pip wheel bundled with ensurepip')
sys.path.insert(0, wheels[0])
args = [a for a in sys.argv[1:] if a not in ('--no-setuptools', '--no-wheel')]
sys.argv = ['pip', 'install'] + args
runpy.run_module('pip', run_name='__main__', alter_sys=True)
