"""The gevent worker the service runs under (``SLOT_WORKER_CLASS=gevent``, the default): gunicorn's, with
each connection registered in this worker's connection budget (:mod:`app.connections`), so that when the
worker holds its budget a new connection sheds the one that waited longest, and a shed connection closes
quietly (idle or sending headers) or is answered 503 (sending its body) -- never a 500 or a traceback.
"""
from __future__ import annotations

from gevent import getcurrent
from gunicorn.workers.ggevent import GeventWorker as _GunicornGeventWorker

from . import connections


class GeventWorker(_GunicornGeventWorker):
    def init_process(self):
        connections.budget = connections.Budget(self.cfg.worker_connections)
        super().init_process()

    def handle(self, listener, client, addr):
        me = getcurrent()
        connections.budget.opened(me)
        try:
            super().handle(listener, client, addr)
        finally:
            connections.budget.closed(me)

    def handle_request(self, listener_name, req, sock, addr):
        me = getcurrent()
        connections.budget.mark(me, connections.APP)
        try:
            done = super().handle_request(listener_name, req, sock, addr)
        finally:
            connections.budget.served(me)
            connections.budget.mark(me, connections.WAIT)
        if connections.budget.closing(me):  # shed mid-body: answered 503; now closed (AsyncWorker.handle)
            raise StopIteration()
        return done

    def handle_error(self, req, client, addr, exc):
        if isinstance(exc, connections.Shed):
            self.log.debug("Shed a waiting connection to make room (%s)", addr)
            return  # nothing was asked of it yet: closed (AsyncWorker.handle closes the socket)
        super().handle_error(req, client, addr, exc)
