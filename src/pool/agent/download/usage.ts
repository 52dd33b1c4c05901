/** Help for `rbees-pool models download`, apart so that the CLI can show it without loading the downloader. */
export const DOWNLOAD_USAGE = `usage: rbees-pool models download <ref> [--json] [--detach] [--models-dir DIR]
       rbees-pool models download --attach ID [--json]
       rbees-pool models download --list [--json]
       rbees-pool models download --cancel ID [--json]
  <ref>            tinyllama | hf:org/repo[@rev]::file=NAME.gguf | org/repo[@rev]:QUANT
  --json           one JSON object a line: start, progress…, then done or error
  --detach         run in the background (survives the SSH session); prints the download id
  --attach ID      follow a detached download until it ends
  --list           detached downloads and their states
  --cancel ID      stop a detached download (its partial file is kept for a resume)
  --models-dir DIR default $RBEES_HOME/models (~/.rbees/models)
Environment: HF_ENDPOINT (default https://huggingface.co), HF_TOKEN (private or gated repos;
else the token file of huggingface-cli login, ~/.cache/huggingface/token).`;
