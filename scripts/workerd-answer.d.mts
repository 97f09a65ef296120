/** See workerd-answer.mjs. */
export function workerdAnswer(options: { root: string; workerd: string; entry: string; out: string; conditions: string[] }): Promise<any>;
