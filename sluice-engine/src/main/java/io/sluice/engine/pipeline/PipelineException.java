package io.sluice.engine.pipeline;

/** Carries a checked exception (or an Error) from one pipeline thread to another. */
public final class PipelineException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PipelineException(Throwable cause) {
    super(cause.getMessage(), cause);
  }
}
