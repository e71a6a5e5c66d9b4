# Build: docker build -t grove .
# Run:   docker run -p 8080:8080 -v grove-data:/data -v /path/to/app.pem:/secrets/app.pem:ro \
#          -e GROVE_APP_ID=... -e GROVE_WEBHOOK_SECRET=... grove
#        The admin port (dashboard, /metrics) listens on 127.0.0.1 inside the container; to reach it, add
#        -e GROVE_ADMIN_BIND=0.0.0.0 -e GROVE_ADMIN_TOKEN=<long random> -p 127.0.0.1:8081:8081
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -ntp -q dependency:go-offline
COPY src src
RUN mvn -B -ntp -q -DskipTests package

FROM eclipse-temurin:17-jre
# git: Grove makes worktrees with the git CLI (JGit cannot); the agent CLI (e.g. Claude Code) is installed on top.
RUN apt-get update && apt-get install -y --no-install-recommends git ca-certificates && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 grove && mkdir /data && chown grove /data
USER grove
COPY --from=build /src/target/grove.jar /opt/grove/grove.jar
ENV GROVE_DATA_DIR=/data GROVE_PRIVATE_KEY_FILE=/secrets/app.pem GROVE_PORT=8080
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/opt/grove/grove.jar"]
CMD ["serve"]
