/**
 * One setting that is missing or invalid, named as the environment names it. The bot's settings
 * areas and the relay agent report problems in this shape, so one run can list every bad setting
 * at once. A message never repeats the value: it may be a key, a password or a connection string.
 */
export interface SettingProblem {
  /** The environment variable to change. */
  name: string;
  /** What is wrong, worded to follow the name ("is required"). */
  message: string;
  /** A good value to paste, where the reporter knows one; the bot prints it beside the message. */
  example?: string;
}
