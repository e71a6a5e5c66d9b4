package dev.grove.github;

import io.jsonwebtoken.Jwts;

import java.security.interfaces.RSAPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;

/**
 * The GitHub App's own JSON Web Token (RS256), used only to ask for installation tokens. Issued 60 s in the past
 * against clock drift, valid 9 minutes from now (GitHub allows at most 10 minutes in all). Never log what this returns.
 */
public final class AppJwt {

    static final Duration BACKDATE = Duration.ofSeconds(60);
    static final Duration LIFETIME = Duration.ofMinutes(9);

    private final String appId;
    private final RSAPrivateKey key;
    private final Clock clock;

    public AppJwt(String appId, RSAPrivateKey key, Clock clock) {
        this.appId = Objects.requireNonNull(appId, "appId");
        this.key = Objects.requireNonNull(key, "key");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A fresh token: {@code iss} = app id, {@code iat} = now - 60 s, {@code exp} = now + 9 min. */
    public String create() {
        Instant now = clock.instant();
        return Jwts.builder()
                .issuer(appId)
                .issuedAt(Date.from(now.minus(BACKDATE)))
                .expiration(Date.from(now.plus(LIFETIME)))
                .signWith(key, Jwts.SIG.RS256)
                .compact();
    }
}
