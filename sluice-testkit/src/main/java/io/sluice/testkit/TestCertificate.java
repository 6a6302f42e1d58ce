package io.sluice.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed TLS certificate for 127.0.0.1, made with the JDK's own {@code keytool} (no openssl needed) and
 * written as PEM files a server can use: {@code <name>.crt} and {@code <name>.key} (mode 0600, as PostgreSQL
 * demands). The certificate is its own CA, so a client verifies the server with {@link #certificateFile()}.
 */
public record TestCertificate(Path certificateFile, Path keyFile) {
  private static final char[] STORE_PASSWORD = "test-keystore".toCharArray();

  /** Makes a new certificate for {@code CN=<name>}, valid for IP 127.0.0.1 only, in {@code directory}. */
  public static TestCertificate create(Path directory, String name) {
    try {
      Files.createDirectories(directory);
      Path store = directory.resolve(name + ".p12");
      Files.deleteIfExists(store);
      Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
      Process process = new ProcessBuilder(List.of(keytool.toString(), "-genkeypair", "-alias", name,
          "-keyalg", "RSA", "-keysize", "2048", "-validity", "30", "-dname", "CN=" + name,
          "-ext", "SAN=ip:127.0.0.1", "-storetype", "PKCS12", "-keystore", store.toString(),
          "-storepass", new String(STORE_PASSWORD))).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException("keytool could not make a test certificate: " + output);
      }
      KeyStore keyStore = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(store)) {
        keyStore.load(in, STORE_PASSWORD);
      }
      Certificate certificate = keyStore.getCertificate(name);
      Key key = keyStore.getKey(name, STORE_PASSWORD);
      Path certificateFile = directory.resolve(name + ".crt");
      Path keyFile = directory.resolve(name + ".key");
      Files.writeString(certificateFile, pem("CERTIFICATE", certificate.getEncoded()));
      Files.writeString(keyFile, pem("PRIVATE KEY", key.getEncoded()));
      Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
      return new TestCertificate(certificateFile, keyFile);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("Cannot make a test certificate in " + directory + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while making a test certificate", e);
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(der) + "\n-----END " + type + "-----\n";
  }
}
