"""Alibaba Cloud Container Service for Kubernetes (ACK, CS API 2015-12-15) emulator.

Run ``python -m ack_emulator --host 127.0.0.1 --port PORT``; see emulator/README.md.
"""
__version__ = '1.0.0'
