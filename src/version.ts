/** The agent's version, as `agent --version` prints it and the API reports it. */
export const VERSION = "0.1.0";
