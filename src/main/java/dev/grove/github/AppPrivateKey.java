package dev.grove.github;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the GitHub App's private key. GitHub hands out PKCS#1 PEM ({@code BEGIN RSA PRIVATE KEY}); PKCS#8
 * ({@code BEGIN PRIVATE KEY}) is accepted too. The JDK only parses PKCS#8, so a PKCS#1 key is wrapped into a PKCS#8
 * {@code PrivateKeyInfo} first. Error messages name where the key came from and what to do, never any key material.
 */
public final class AppPrivateKey {

    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)\\s*-----END \\1-----");

    /** DER of AlgorithmIdentifier { rsaEncryption (1.2.840.113549.1.1.1), NULL }. */
    private static final byte[] RSA_ALGORITHM_IDENTIFIER = {
            0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};

    private AppPrivateKey() {
    }

    /** Reads a PEM key file; errors mention {@code GROVE_PRIVATE_KEY_FILE} and the path. */
    public static RSAPrivateKey read(Path file) {
        String origin = "GROVE_PRIVATE_KEY_FILE " + file;
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(origin + " does not exist; download the private key from the"
                    + " GitHub App's settings page and point GROVE_PRIVATE_KEY_FILE at it");
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(origin + " cannot be read (" + e.getClass().getSimpleName()
                    + "); check the path and its permissions");
        }
        return parse(text, origin);
    }

    /**
     * Parses PEM text.
     *
     * @param origin where the text came from, for error messages (e.g. {@code "GROVE_PRIVATE_KEY_FILE /etc/key.pem"})
     */
    public static RSAPrivateKey parse(String pem, String origin) {
        String advice = "; download the private key (.pem) from the GitHub App's settings page";
        String text = pem == null ? "" : pem;
        if (text.contains("Proc-Type: 4,ENCRYPTED")) {
            throw new IllegalArgumentException(origin
                    + " is an encrypted private key; Grove needs the unencrypted key GitHub provides" + advice);
        }
        Matcher m = PEM.matcher(text);
        if (!m.find()) {
            throw new IllegalArgumentException(origin + " is not a PEM private key" + advice);
        }
        String type = m.group(1);
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(m.group(2));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(origin + " is a damaged PEM file (its base64 does not decode)" + advice);
        }
        byte[] pkcs8 = switch (type) {
            case "RSA PRIVATE KEY" -> wrapPkcs1(der);
            case "PRIVATE KEY" -> der;
            case "ENCRYPTED PRIVATE KEY" -> throw new IllegalArgumentException(origin
                    + " is an encrypted private key; Grove needs the unencrypted key GitHub provides" + advice);
            default -> throw new IllegalArgumentException(origin + " holds a PEM '" + type
                    + "', not a private key" + advice);
        };
        PrivateKey key;
        try {
            key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException(origin + " is not a readable RSA private key" + advice);
        }
        if (!(key instanceof RSAPrivateKey rsa)) {
            throw new IllegalArgumentException(origin + " is not an RSA private key" + advice);
        }
        return rsa;
    }

    /** PrivateKeyInfo ::= SEQUENCE { version INTEGER 0, algorithm AlgorithmIdentifier, privateKey OCTET STRING }. */
    static byte[] wrapPkcs1(byte[] pkcs1) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        content.writeBytes(new byte[] {0x02, 0x01, 0x00});
        content.writeBytes(RSA_ALGORITHM_IDENTIFIER);
        content.write(0x04);
        writeLength(content, pkcs1.length);
        content.writeBytes(pkcs1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x30);
        writeLength(out, content.size());
        out.writeBytes(content.toByteArray());
        return out.toByteArray();
    }

    private static void writeLength(ByteArrayOutputStream out, int length) {
        if (length < 0x80) {
            out.write(length);
            return;
        }
        int bytes = 0;
        for (int l = length; l > 0; l >>>= 8) {
            bytes++;
        }
        out.write(0x80 | bytes);
        for (int i = bytes - 1; i >= 0; i--) {
            out.write((length >>> (8 * i)) & 0xff);
        }
    }
}
