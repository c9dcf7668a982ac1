# Vigil node image: Node 20 on Debian with ffmpeg and CJK fonts; models come from npm packages.
FROM node:20-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg fonts-noto-cjk redis-tools ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV ONNXRUNTIME_NODE_INSTALL=skip NODE_ENV=production
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev
COPY . .
# Run as an unprivileged user; data (embedded database, recordings) lives in a volume.
RUN useradd --system --home /app vigil && mkdir -p /var/lib/vigil && chown vigil /var/lib/vigil
USER vigil
ENV VIGIL_DATA_DIR=/var/lib/vigil
EXPOSE 8080
CMD ["node", "bin/vigil.js", "start"]
