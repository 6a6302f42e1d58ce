package io.sluice.spi;

/**
 * How connectors phrase a failure for {@link SluiceException}: one line, the driver's or server's reason first,
 * the root cause's detail after it when it adds something (an unknown host, a refused connection, a certificate
 * check). Connectors add their own wording on top, e.g. a GRANT to run; secrets must already be absent from the
 * messages they pass in.
 */
public final class FailureMessages {
  private FailureMessages() {}

  /** {@code reason}, then the root cause of {@code failure} in parentheses unless {@code reason} says it already. */
  public static String withRootCause(String reason, Throwable failure) {
    Throwable root = rootCause(failure);
    String text = reason;
    if (root != failure) {
      String detail = root instanceof java.net.UnknownHostException ? "unknown host " + root.getMessage()
          : root.getMessage();
      if (detail != null && !text.contains(detail)) {
        text = text + " (" + detail + ")";
      }
    }
    return oneLine(text);
  }

  /** The innermost cause of {@code failure}; {@code failure} itself when it has none. */
  public static Throwable rootCause(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root;
  }

  /** Whether a cause of {@code failure} (not {@code failure} itself) is a {@code type}. */
  public static boolean hasCause(Throwable failure, Class<? extends Throwable> type) {
    for (Throwable cause = failure.getCause(); cause != null; cause = cause.getCause()) {
      if (type.isInstance(cause)) {
        return true;
      }
    }
    return false;
  }

  /** The reason for a server certificate that the CA in {@code ssl_root_cert} did not sign. */
  public static String untrustedCertificate(Throwable verificationFailure) {
    return "the server's TLS certificate is not signed by the CA in ssl_root_cert (certificate verification failed: "
        + oneLine(String.valueOf(verificationFailure.getMessage())) + ")";
  }

  private static String oneLine(String text) {
    return text.replace('\n', ' ').strip();
  }
}
