/** Message texts Debian's cron writes for each job it runs. */

export const cronCommand = (user: string, command: string): string => `(${user}) CMD (${command})`;
