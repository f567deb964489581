FROM python:3.11-slim
RUN apt-get update && apt-get install -y --no-install-recommends build-essential cmake git \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
# A portable llama.cpp build: the image may run on another CPU than the one that built it.
# For NVIDIA GPUs build with CMAKE_ARGS="-DGGML_CUDA=on" on a CUDA base image instead.
ARG CMAKE_ARGS="-DGGML_NATIVE=OFF"
RUN CMAKE_ARGS="${CMAKE_ARGS}" pip install --no-cache-dir -r requirements.txt
COPY . .
ENV PARLEY_VAR_DIR=/app/var
# Collecting static files reads the settings but signs nothing: the development key is enough at build time.
RUN PARLEY_DEVELOPMENT=true DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    python manage.py collectstatic --noinput --verbosity 0
# The processes run as an account of their own: a flaw in a parser or the model runtime does not get root,
# and it may write only under var/ (the file broker, metrics), not the code it runs.
RUN useradd --system --uid 10001 --home-dir /app/var --no-create-home parley \
    && mkdir -p /app/var && chown parley /app/var
USER parley
EXPOSE 8000
# The web server by default; the worker is `celery -A config worker -Q llm,outbound -l info`, its turns on
# PARLEY_WORKER_CONCURRENCY threads (4) with their model calls batched, or PARLEY_WORKER_POOL=prefork
# (README "Sizing inference workers").
CMD ["gunicorn", "config.wsgi:create_application()", "--bind", "0.0.0.0:8000", "--workers", "2"]
