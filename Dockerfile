# Slot-filling service: gunicorn + Flask serving the committed bidirectional RNN tagger (CPU only).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /srv

# No PyTorch in the image: the service runs the network from the artifact's ONNX graphs.
COPY requirements.txt .
RUN pip install -r requirements.txt

# The engine and its HTTP layer; of the training lab, only the committed model artifact.
COPY engine/ engine/
COPY app/ app/
COPY model/artifacts/default/ model/artifacts/default/
COPY model/artifacts/zh/ model/artifacts/zh/

RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin slot
USER 10001

ENV SLOT_BIND=0.0.0.0:8000 \
    SLOT_WORKERS=2
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=2).status != 200)"]

CMD ["gunicorn", "-c", "app/gunicorn.conf.py", "app.wsgi:app"]
