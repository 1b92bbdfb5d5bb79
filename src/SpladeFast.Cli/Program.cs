return SpladeFast.Cli.SpladeFastCli.Run(args);
