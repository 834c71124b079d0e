//! The `insightiq` binary: parses the command line and runs a subcommand.

use clap::Parser;
use server::config::{Cli, Command, ServeArgs, StoreArgs};
use server::{AppState, Settings};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    server::telemetry::init(cli.log_format, &cli.log_level);
    match cli.command {
        Command::Serve(args) => serve(*args).await,
        Command::Migrate(args) => migrate(args).await,
        Command::Ask(args) => server::cli::ask::run(args).await,
        Command::Eval(args) => server::cli::eval::run(args).await,
        Command::Openapi => {
            println!("{}", server::openapi().to_pretty_json()?);
            Ok(())
        }
    }
}

async fn open_store(args: &StoreArgs, pool: store::PoolOptions) -> anyhow::Result<store::DynStore> {
    std::fs::create_dir_all(&args.data_dir)?;
    let url = args.database_url();
    let store = store::connect(&url, pool).await?;
    tracing::info!(
        backend = store.backend(),
        "metadata store ready, migrations applied"
    );
    Ok(store)
}

async fn migrate(args: StoreArgs) -> anyhow::Result<()> {
    open_store(
        &args,
        store::PoolOptions {
            min_connections: 0,
            max_connections: 2,
        },
    )
    .await?;
    Ok(())
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let store = open_store(&args.store, store::PoolOptions::default()).await?;
    let state = AppState::build(Settings::from_args(&args), store).await?;
    if state.settings.seed_demo {
        server::demo::seed(&state, chrono::Utc::now().date_naive()).await?;
    }
    let listener = tokio::net::TcpListener::bind((args.host, args.port)).await?;
    tracing::info!("InsightIQ listening on http://{}", listener.local_addr()?);
    server::launch(listener, state, server::app::shutdown_signal()).await?;
    Ok(())
}
