package io.sluice.spi;

import java.util.Objects;

/**
 * The exception connectors and the engine throw for anything a user may see. Messages have the form
 * "Cannot X: reason", name the offending value, and never contain a secret.
 */
public class SluiceException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final ErrorKind kind;

  public SluiceException(ErrorKind kind, String message) {
    this(kind, message, null);
  }

  public SluiceException(ErrorKind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  public ErrorKind kind() {
    return kind;
  }
}
