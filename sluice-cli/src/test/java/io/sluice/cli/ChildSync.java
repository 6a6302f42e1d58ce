package io.sluice.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs the CLI in a child JVM, so a test can kill it with SIGKILL; its output goes to {@code child.log}. */
final class ChildSync {
  private ChildSync() {}

  static Process start(Workspace workspace, List<String> arguments) throws java.io.IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
        "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(arguments);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(workspace.directory().resolve("child.log").toFile()));
    builder.environment().putAll(Workspace.ENVIRONMENT);
    return builder.start();
  }
}
