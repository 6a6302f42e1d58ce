package io.sluice.cli;

/** The process exit codes, the same for every command. */
public enum ExitCode {
  OK(0),
  /** A sync ran and at least one stream failed. */
  SYNC_FAILED(1),
  /** Bad usage, or a config, streams or state file is invalid. */
  USAGE(2),
  /** {@code check} ran and at least one probe failed. */
  CHECK_FAILED(3);

  private final int code;

  ExitCode(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }
}
