# Grove's image: the jar, a JRE, git, the pinned Claude Code CLI, bubblewrap and socat (the agent sandbox), tini as
# PID 1 (it reaps killed agents), a non-root user and a HEALTHCHECK. See the README's "Deploy" section.
#
#   docker build -t grove .
#   docker run -d --name grove -p 8080:8080 -v grove-data:/data -v /etc/grove/app.pem:/secrets/app.pem:ro \
#     -e GROVE_APP_ID=123456 -e GROVE_WEBHOOK_SECRET=... -e ANTHROPIC_API_KEY=... \
#     --security-opt seccomp=unconfined --security-opt apparmor=unconfined --security-opt systempaths=unconfined \
#     grove
#
# The three --security-opt options let bubblewrap make its namespaces and mount a fresh /proc inside the container
# (Docker's default seccomp and AppArmor profiles and its masked /proc paths forbid both); --privileged is not needed.
# The admin port (dashboard, /metrics) listens on 127.0.0.1 inside the container; to reach it, add
#   -e GROVE_ADMIN_BIND=0.0.0.0 -e GROVE_ADMIN_TOKEN=<long random> -p 127.0.0.1:8081:8081
#
# Build arguments (defaults are public images; a registry mirror or a local base works the same):
#   BUILD_IMAGE    where the jar is compiled (Maven and a JDK 17)
#   RUNTIME_IMAGE  Debian bookworm or a derivative: the runtime and the CLI stage install Debian packages on it
#   JAR_STAGE      build (default): compile the jar in BUILD_IMAGE; context: take target/grove.jar from the build
#                  context instead (run `mvn -DskipTests package` first; this is what the image test does offline)
#   CLAUDE_CODE_VERSION  the Claude Code CLI (the version the tests pin in pom.xml's claude-cli.version)
ARG BUILD_IMAGE=maven:3.9-eclipse-temurin-17
ARG RUNTIME_IMAGE=debian:bookworm-slim
ARG JAR_STAGE=build

FROM ${BUILD_IMAGE} AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -ntp -q dependency:go-offline
COPY src src
RUN mvn -B -ntp -q -DskipTests package

FROM scratch AS context
COPY target/grove.jar /src/target/grove.jar

FROM ${JAR_STAGE} AS jar

FROM ${RUNTIME_IMAGE} AS runtime
# git: worktrees are made with the git CLI; tini: PID 1, reaps agent processes; bubblewrap + socat: the agent sandbox;
# curl: the CLI download and the HEALTHCHECK; util-linux (setsid) is part of every Debian base.
RUN apt-get update \
    && apt-get install -y --no-install-recommends openjdk-17-jre-headless git ca-certificates tini bubblewrap socat curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 --user-group grove \
    && mkdir -p /data /secrets && chown grove:grove /data
# The pinned Claude Code CLI: npm's @anthropic-ai/claude-code installs a native binary from a per-platform package;
# this fetches that package from the npm registry and checks it against its published sha512 (npm's dist.integrity),
# so the image needs no Node.js. Bump all three together with pom.xml's claude-cli.version.
ARG CLAUDE_CODE_VERSION=2.1.197
ARG CLAUDE_CODE_SHA512_AMD64=ac894a9ab63440cc8780f457fcc616363d37f6f6f2a480af23d8d57b7aecf57cb64673649724a3c8fc6a87ad9069dce7ce87ed10edb7b98435b4578f710fff6e
ARG CLAUDE_CODE_SHA512_ARM64=b31e92a068f730d479095f980e436d6cb1d76b5b67dc6f2a7181609b5827bce8bd38341429b8623df6a79097e44cc0d57a43af9ca2619ba8bd8461483f3a7b71
ARG NPM_REGISTRY=https://registry.npmjs.org
RUN arch="$(dpkg --print-architecture)" \
    && case "$arch" in \
         amd64) pkg=linux-x64; sum="$CLAUDE_CODE_SHA512_AMD64" ;; \
         arm64) pkg=linux-arm64; sum="$CLAUDE_CODE_SHA512_ARM64" ;; \
         *) echo "no Claude Code build for $arch" >&2; exit 1 ;; \
       esac \
    && curl -fsSL -o /tmp/claude.tgz \
         "$NPM_REGISTRY/@anthropic-ai/claude-code-$pkg/-/claude-code-$pkg-$CLAUDE_CODE_VERSION.tgz" \
    && echo "$sum  /tmp/claude.tgz" | sha512sum -c - \
    && tar -xzf /tmp/claude.tgz -C /usr/local/bin --strip-components=1 package/claude \
    && rm /tmp/claude.tgz \
    && claude --version | grep -q "^$CLAUDE_CODE_VERSION "
COPY --from=jar /src/target/grove.jar /opt/grove/grove.jar
# The JVM's own memory stays under the README's figure (heap 256 MiB, serial GC: one server, few threads).
# Override with -e JDK_JAVA_OPTIONS=...; agents are separate processes and come on top.
ENV GROVE_DATA_DIR=/data \
    GROVE_PRIVATE_KEY_FILE=/secrets/app.pem \
    GROVE_PORT=8080 \
    JDK_JAVA_OPTIONS="-XX:+UseSerialGC -Xmx256m -Xss512k -XX:MaxMetaspaceSize=128m -XX:ReservedCodeCacheSize=64m -XX:+ExitOnOutOfMemoryError"
USER grove
WORKDIR /data
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD curl -fsS -o /dev/null "http://127.0.0.1:${GROVE_PORT}/healthz" || exit 1
ENTRYPOINT ["/usr/bin/tini", "--", "java", "-jar", "/opt/grove/grove.jar"]
CMD ["serve"]
