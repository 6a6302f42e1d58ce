package io.sluice.cli;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Line-buffers text bound for a stream and redacts known secrets before it gets there (stack traces). */
final class RedactingStream extends OutputStream {
  private final PrintStream target;
  private final Environment environment;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();

  RedactingStream(PrintStream target, Environment environment) {
    this.target = target;
    this.environment = environment;
  }

  @Override
  public void write(int b) {
    line.write(b);
    if (b == '\n') {
      flush();
    }
  }

  @Override
  public void flush() {
    if (line.size() > 0) {
      target.print(environment.secrets().redact(line.toString(StandardCharsets.UTF_8)));
      line.reset();
    }
    target.flush();
  }
}
