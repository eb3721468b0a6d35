# medcode: a slim image running as a non-root user.
# Not built on the development machines (no Docker engine there); `docker build .` elsewhere.

FROM python:3.11-slim AS build
WORKDIR /src
RUN python -m venv /opt/medcode
ENV PATH=/opt/medcode/bin:$PATH
COPY pyproject.toml README.md alembic.ini ./
COPY service ./service
COPY schema ./schema
COPY seed ./seed
COPY migrations ./migrations
RUN pip install --no-cache-dir .

FROM python:3.11-slim AS runtime
RUN useradd --create-home --uid 10001 medcode && mkdir /data && chown medcode /data
COPY --from=build /opt/medcode /opt/medcode
ENV PATH=/opt/medcode/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    MEDCODE_DATABASE_URL=sqlite:////data/medcode.db
USER medcode
WORKDIR /data
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=120s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status != 200)"
CMD ["medcode", "serve", "--host", "0.0.0.0", "--port", "8000"]
