package dev.nabla.samples;

/** One runnable lesson. Short: the library does the work. */
public interface Sample {
    /** The command-line name, e.g. {@code fashion-mnist-cnn}. */
    String name();

    /** One line for {@code list}. */
    String description();

    /** Sample-specific options for {@code --help} (the common ones are added). */
    default String help() { return ""; }

    /** Runs the sample; returns the run's summary (written to --metrics-out when given). */
    RunSummary run(Options options) throws Exception;
}
