package io.sluice.source.mysql;

import com.github.shyiko.mysql.binlog.network.SSLSocketFactory;
import io.sluice.spi.ErrorKind;
import io.sluice.spi.SluiceException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS for the binlog connection with the verifying modes: the server's certificate is checked against the CA in
 * {@code ssl_root_cert} (the JDBC connections do the same through the driver), not against the JVM's default trust
 * store. {@code verify-full} also checks that the certificate names the configured host (JSSE's endpoint
 * identification), here rather than in the binlog client, whose own check compares against the reverse-resolved
 * name of the address ({@code localhost} for {@code 127.0.0.1}).
 */
final class MySqlBinlogTls {
  private MySqlBinlogTls() {}

  /**
   * A socket factory trusting exactly the certificates of {@code caFile}; with {@code checkHost}, the certificate
   * must also name {@code host}.
   */
  static SSLSocketFactory trusting(Path caFile, String host, boolean checkHost) {
    try {
      KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
      trusted.load(null, null);
      try (InputStream in = Files.newInputStream(caFile)) {
        int index = 0;
        for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
          trusted.setCertificateEntry("ca-" + index++, certificate);
        }
      }
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trusted);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      javax.net.ssl.SSLSocketFactory factory = context.getSocketFactory();
      return socket -> wrap(factory, socket, host, checkHost);
    } catch (IOException | GeneralSecurityException e) {
      throw new SluiceException(ErrorKind.CONFIG, "Cannot use ssl_root_cert " + caFile + ": " + e.getMessage()
          + "; expected a PEM file with the CA certificate that signed the server's certificate", e);
    }
  }

  private static SSLSocket wrap(javax.net.ssl.SSLSocketFactory factory, Socket socket, String host,
      boolean checkHost) throws SocketException {
    try {
      SSLSocket tls = (SSLSocket) factory.createSocket(socket, host, socket.getPort(), true);
      if (checkHost) {
        SSLParameters parameters = tls.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        tls.setSSLParameters(parameters);
      }
      return tls;
    } catch (IOException e) {
      SocketException failure = new SocketException("Cannot start TLS: " + e.getMessage());
      failure.initCause(e);
      throw failure;
    }
  }
}
