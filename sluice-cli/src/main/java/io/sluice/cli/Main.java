package io.sluice.cli;

import io.sluice.cli.demo.DemoCommand;
import io.sluice.spi.ConfigException;
import io.sluice.spi.ErrorKind;
import io.sluice.spi.SluiceException;
import java.io.PrintStream;
import java.util.List;
import java.util.function.UnaryOperator;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The composition root: builds the {@link Environment}, wires the commands, and turns every failure into one
 * line on stderr and an {@link ExitCode}. Nothing else lives here.
 */
@Command(name = "sluice", mixinStandardHelpOptions = true, version = "sluice 0.1.0-SNAPSHOT",
    description = "Replicates operational databases into open lakehouse tables.")
public final class Main {

  public static void main(String[] args) {
    boolean interactive = System.console() != null;
    int code = run(args, System::getenv, System.out, System.err, interactive);
    System.exit(code);
  }

  /** Runs one command in-process and returns its exit code; used by {@link #main} and by tests. */
  public static int run(String[] args, UnaryOperator<String> variables, PrintStream out, PrintStream err,
      boolean interactive) {
    Environment environment = new Environment(variables, out, err, interactive);
    CommandLine commandLine = new CommandLine(new Main())
        .addSubcommand(new SpecCommand(environment))
        .addSubcommand(new CheckCommand(environment))
        .addSubcommand(new DiscoverCommand(environment))
        .addSubcommand(new SyncCommand(environment))
        .addSubcommand(new StatusCommand(environment))
        .addSubcommand(new DemoCommand(environment));
    commandLine.setOut(new java.io.PrintWriter(out, true));
    commandLine.setErr(new java.io.PrintWriter(err, true));
    commandLine.setExitCodeExceptionMapper(Main::exitCode);
    commandLine.setParameterExceptionHandler((exception, arguments) -> {
      // An unknown option is the likelier mistake than the missing ones it leaves behind: name it first.
      List<String> unmatched = exception.getCommandLine().getUnmatchedArguments();
      String message = unmatched.isEmpty() || exception instanceof CommandLine.UnmatchedArgumentException
          ? exception.getMessage() : "Unknown option: '" + unmatched.get(0) + "'";
      // One line, like every other error: the usage hint goes at its end.
      err.println("sluice: " + message + suggestion(exception.getCommandLine(), unmatched) + "; run 'sluice "
          + (exception.getCommandLine().getCommandName().equals("sluice") ? ""
              : exception.getCommandLine().getCommandName() + " ") + "--help' for usage");
      return ExitCode.USAGE.code();
    });
    commandLine.setExecutionExceptionHandler((exception, cmd, parsed) -> {
      err.println("sluice: " + environment.secrets().redact(describe(exception)));
      if (exitCode(exception) == ExitCode.SYNC_FAILED.code() && isInternal(exception)) {
        exception.printStackTrace(new PrintStream(new RedactingStream(err, environment), true));
      }
      return exitCode(exception);
    });
    if (args.length == 0) {
      commandLine.usage(out);
      return ExitCode.USAGE.code();
    }
    return commandLine.execute(args);
  }

  private static String suggestion(CommandLine command, List<String> unmatched) {
    if (unmatched.isEmpty()) {
      return "";
    }
    List<String> names = new java.util.ArrayList<>();
    command.getCommandSpec().options().forEach(option -> names.addAll(List.of(option.names())));
    names.addAll(command.getSubcommands().keySet());
    return io.sluice.engine.config.Suggestions.suggest(unmatched.get(0), names)
        .map(s -> " (did you mean '" + s + "'?)").orElse("");
  }

  /** The one-line description of a failure: the message of the first exception that has one worth showing. */
  static String describe(Throwable failure) {
    Throwable current = failure;
    while (current != null) {
      if (current instanceof SluiceException && current.getMessage() != null) {
        return current.getMessage();
      }
      current = current.getCause();
    }
    String message = failure.getMessage();
    return (message == null ? failure.getClass().getSimpleName() : message).replace('\n', ' ');
  }

  private static boolean isInternal(Throwable failure) {
    return !(failure instanceof SluiceException sluice) || sluice.kind() == ErrorKind.INTERNAL;
  }

  private static int exitCode(Throwable failure) {
    if (failure instanceof ConfigException
        || (failure instanceof SluiceException sluice && sluice.kind() == ErrorKind.CONFIG)) {
      return ExitCode.USAGE.code();
    }
    return ExitCode.SYNC_FAILED.code();
  }
}
