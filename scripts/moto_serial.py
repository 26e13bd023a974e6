"""The moto AWS emulator serving one request at a time.

moto applies a DynamoDB TransactWriteItems by writing each item and, when a
condition fails, restoring what it saw before; two transactions running in
parallel threads can therefore undo each other, which real DynamoDB never
does. The contract tests race transactions on purpose, so the test emulator
serves requests one by one: each transaction is then atomic, as in AWS.

Usage: python3 scripts/moto_serial.py PORT   (listens on 127.0.0.1 only)
"""
import sys

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import run_simple

if __name__ == "__main__":
    run_simple("127.0.0.1", int(sys.argv[1]), DomainDispatcherApplication(create_backend_app), threaded=False)
