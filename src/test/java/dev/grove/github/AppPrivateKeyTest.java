package dev.grove.github;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPrivateKey;
import java.util.Arrays;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AppPrivateKeyTest {

    private static KeyPair pair;

    @BeforeAll
    static void generate() throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        pair = gen.generateKeyPair();
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** PKCS#8 PrivateKeyInfo of a 2048-bit key = 26 bytes of header + the PKCS#1 RSAPrivateKey. */
    static byte[] pkcs1(KeyPair pair) {
        byte[] pkcs8 = pair.getPrivate().getEncoded();
        return Arrays.copyOfRange(pkcs8, 26, pkcs8.length);
    }

    @Test
    void parsesPkcs8() {
        RSAPrivateKey key = AppPrivateKey.parse(pem("PRIVATE KEY", pair.getPrivate().getEncoded()), "test");
        assertArrayEquals(pair.getPrivate().getEncoded(), key.getEncoded());
    }

    @Test
    void parsesPkcs1AsGitHubHandsItOut() {
        RSAPrivateKey key = AppPrivateKey.parse(pem("RSA PRIVATE KEY", pkcs1(pair)), "test");
        RSAPrivateCrtKey expected = (RSAPrivateCrtKey) pair.getPrivate();
        assertEquals(expected.getModulus(), key.getModulus());
        assertEquals(expected.getPrivateExponent(), key.getPrivateExponent());
        assertArrayEquals(pair.getPrivate().getEncoded(), key.getEncoded());
    }

    @Test
    void wrappingPkcs1GivesBackThePkcs8Encoding() {
        assertArrayEquals(pair.getPrivate().getEncoded(), AppPrivateKey.wrapPkcs1(pkcs1(pair)));
    }

    @Test
    void readsFileWithCrlfAndSurroundingText(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("app.pem");
        Files.writeString(file, "key for grove\r\n" + pem("RSA PRIVATE KEY", pkcs1(pair)).replace("\n", "\r\n"));
        assertEquals(((RSAPrivateCrtKey) pair.getPrivate()).getModulus(), AppPrivateKey.read(file).getModulus());
    }

    @Test
    void garbageGivesAClearMessage(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("app.pem");
        Files.writeString(file, "this is not a key");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AppPrivateKey.read(file));
        assertTrue(e.getMessage().startsWith("GROVE_PRIVATE_KEY_FILE " + file + " is not a PEM private key"),
                e.getMessage());
        assertTrue(e.getMessage().contains("download"), e.getMessage());
    }

    @Test
    void damagedKeyGivesAClearMessageWithoutKeyMaterial() {
        byte[] der = pkcs1(pair);
        byte[] damaged = Arrays.copyOf(der, der.length / 2);
        String pem = pem("RSA PRIVATE KEY", damaged);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AppPrivateKey.parse(pem, "GROVE_PRIVATE_KEY_FILE x.pem"));
        assertEquals("GROVE_PRIVATE_KEY_FILE x.pem is not a readable RSA private key; download the private key"
                + " (.pem) from the GitHub App's settings page", e.getMessage());
        String body = pem.lines().skip(1).findFirst().orElseThrow();
        assertFalse(e.getMessage().contains(body.substring(0, 20)));
    }

    @Test
    void publicKeyAndEncryptedKeyAreNamed() {
        String pub = pem("PUBLIC KEY", pair.getPublic().getEncoded());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AppPrivateKey.parse(pub, "k"))
                .getMessage().contains("holds a PEM 'PUBLIC KEY', not a private key"));
        String enc = pem("ENCRYPTED PRIVATE KEY", new byte[] {1, 2, 3});
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AppPrivateKey.parse(enc, "k"))
                .getMessage().contains("encrypted"));
    }

    @Test
    void missingFileSaysSo(@TempDir Path dir) {
        Path file = dir.resolve("nope.pem");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AppPrivateKey.read(file))
                .getMessage().contains("does not exist"));
    }
}
