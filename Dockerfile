# One image for every part: `schemagate api`, `schemagate worker`, `schemagate beat`
# (or `schemagate serve` for a single container with the embedded servers).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    SCHEMAGATE_DATA_DIR=/var/lib/schemagate

RUN groupadd --gid 10001 schemagate \
    && useradd --uid 10001 --gid schemagate --home-dir /home/schemagate --create-home schemagate \
    && mkdir -p /var/lib/schemagate /etc/schemagate \
    && chown schemagate:schemagate /var/lib/schemagate

WORKDIR /opt/schemagate
COPY pyproject.toml README.md ./
COPY app ./app
COPY worker ./worker
RUN pip install . && rm -rf /root/.cache

USER 10001:10001
EXPOSE 8080
ENTRYPOINT ["schemagate"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8080"]
