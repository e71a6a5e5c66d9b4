package dev.grove.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.util.Base64;

/** A throw-away App private key (PKCS#8 PEM) for servers the benchmarks start; GitHub is WireMock, so any key does. */
final class BenchKeys {
    private BenchKeys() {
    }

    static Path writePrivateKey(Path file) throws IOException, GeneralSecurityException {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(gen.generateKeyPair().getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        Files.createDirectories(file.getParent());
        return Files.writeString(file, pem);
    }
}
