// Shell completion scripts, generated from a plain description of the command tree (built from
// commander's tree in completion-command.ts). Commands and flags are written into the script; profile and
// sso-session names are asked for at completion time (`sso-cli completion --list-profiles`), so
// they follow the config file as it changes. Every shell gets the same behaviour:
// - the command path is the words that name subcommands, skipping flags and their values;
// - after a flag that takes a value: that flag's values (profiles, formats, services), else nothing;
// - a word starting with "-": the command's flags; otherwise its subcommands and positional
//   choices, or its flags when it has neither;
// - after `--` (exec's command): the shell's own completion of commands and files.

import type { Shell } from "./completion-grammar.entry.js";

export interface CompletionFlag {
  name: string;
  takesValue: boolean;
}

export interface CompletionCommand {
  /** Space-separated command words after the program name; "" for the program itself. */
  path: string;
  subcommands: string[];
  flags: CompletionFlag[];
  /** Choices for positional arguments (e.g. the shells of `completion`). */
  args: string[];
}

/** Where a flag's values come from: a fixed list, or a list the program prints when asked. */
export type ValueSource = { words: readonly string[] } | { listFlag: "--list-profiles" | "--list-sso-sessions" };

export interface CompletionModel {
  program: string;
  version: string;
  commands: CompletionCommand[];
  /** By flag name. */
  values: Record<string, ValueSource>;
}

export function completionScript(shell: Shell, m: CompletionModel): string {
  switch (shell) {
    case "bash":
      return bashScript(m);
    case "zsh":
      return zshScript(m);
    case "fish":
      return fishScript(m);
    case "powershell":
      return powershellScript(m);
  }
}

/** Shell function names: `sso-cli` → `_sso_cli`. */
const fn = (m: CompletionModel): string => `_${m.program.replace(/[^A-Za-z0-9]/g, "_")}`;

/** Single-quoted for sh, zsh and fish alike (the names here hold no quote; this keeps it so). */
function q(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The command tree as sh `case` functions, which bash and zsh both read. */
function shTables(m: CompletionModel): string {
  const f = fn(m);
  const subs = m.commands.flatMap((c) => c.subcommands.map((s) => q(`${c.path}:${s}`)));
  const valued = m.commands.flatMap((c) => c.flags.filter((x) => x.takesValue).map((x) => q(`${c.path}:${x.name}`)));
  const list = (pick: (c: CompletionCommand) => string[]): string =>
    m.commands.map((c) => `    ${q(c.path)}) ${pick(c).length ? `printf '%s\\n' ${pick(c).map(q).join(" ")}` : ":"} ;;`).join("\n");
  const values = Object.entries(m.values)
    .map(
      ([flag, src]) =>
        `    ${q(flag)}) ${"words" in src ? `printf '%s\\n' ${src.words.map(q).join(" ")}` : `"$3" completion ${src.listFlag} 2>/dev/null`} ;;`,
    )
    .join("\n");
  return `${f}_is_subcommand() {
  case "$1:$2" in
    ${subs.join("|") || "''"}) return 0 ;;
  esac
  return 1
}

${f}_takes_value() {
  case "$1:$2" in
    ${valued.join("|") || "''"}) return 0 ;;
  esac
  return 1
}

# Subcommands and positional choices of the command path $1, one per line.
${f}_words() {
  case "$1" in
${list((c) => [...c.subcommands, ...c.args])}
  esac
}

${f}_flags() {
  case "$1" in
${list((c) => c.flags.map((x) => x.name))}
  esac
}

# Values of flag $2 (command path $1); $3 is the program as typed, to ask it for names.
${f}_values() {
  case "$2" in
${values}
  esac
}

# The command path of words[1..n-1] (the words before the cursor, program excluded); "--" when
# the cursor is past exec's "--".
${f}_path() {
  local cmd="" skip=0 w
  for w in "$@"; do
    if [ "$skip" = 1 ]; then skip=0; continue; fi
    case "$w" in
      --) printf '%s' "--"; return ;;
      -*=*) continue ;;
      -*) ${f}_takes_value "$cmd" "$w" && skip=1; continue ;;
    esac
    if ${f}_is_subcommand "$cmd" "$w"; then cmd="\${cmd:+$cmd }$w"; fi
  done
  printf '%s' "$cmd"
}`;
}

function header(m: CompletionModel, shell: Shell, load: string, keep: string): string {
  return `# ${shell} completion for ${m.program} ${m.version}, made by \`${m.program} completion ${shell}\` from its command tree.
# Load it now:     ${load}
# Or for good:     ${keep}
# Profile and sso-session names are read from the config file at completion time.`;
}

function bashScript(m: CompletionModel): string {
  const f = fn(m);
  return `${header(m, "bash", `source <(${m.program} completion bash)`, `${m.program} completion bash > ~/.local/share/bash-completion/completions/${m.program}`)}

${shTables(m)}

# Its input's lines into the caller's \`words\`. A read loop, not mapfile: macOS's /bin/bash is 3.2,
# which has no mapfile (bash 4).
${f}_lines() {
  local line
  words=()
  while IFS= read -r line || [ -n "$line" ]; do words+=("$line"); done
}

${f}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" flag="" cmd line
  COMPREPLY=()
  cmd="$(${f}_path "\${COMP_WORDS[@]:1:COMP_CWORD-1}")"
  # After exec's "--": the command and its arguments are the shell's to complete.
  if [ "$cmd" = "--" ]; then compopt -o bashdefault -o default 2>/dev/null; return 0; fi
  # bash splits "--profile=dev" at "=" (COMP_WORDBREAKS): "--profile" "=" "dev".
  if [ "$cur" = "=" ]; then
    flag="\${COMP_WORDS[COMP_CWORD-1]}"; cur=""
  elif [ "$COMP_CWORD" -ge 2 ] && [ "\${COMP_WORDS[COMP_CWORD-1]}" = "=" ]; then
    flag="\${COMP_WORDS[COMP_CWORD-2]}"
  elif [ "$COMP_CWORD" -ge 2 ] && ${f}_takes_value "$cmd" "\${COMP_WORDS[COMP_CWORD-1]}"; then
    flag="\${COMP_WORDS[COMP_CWORD-1]}"
  fi
  local -a words=()
  if [ -n "$flag" ]; then
    ${f}_takes_value "$cmd" "$flag" || return 0
    ${f}_lines < <(${f}_values "$cmd" "$flag" "\${COMP_WORDS[0]}")
  elif [[ $cur == -* ]]; then
    ${f}_lines < <(${f}_flags "$cmd")
  else
    ${f}_lines < <(${f}_words "$cmd")
    [ "\${#words[@]}" -eq 0 ] && ${f}_lines < <(${f}_flags "$cmd")
  fi
  # Matched by hand, not with compgen -W, which would expand $(…) in a name from the config file.
  for line in "\${words[@]}"; do
    [ -n "$line" ] && [[ $line == "$cur"* ]] && COMPREPLY+=("$(printf '%q' "$line")")
  done
  return 0
}

complete -o default -F ${f} ${m.program}
`;
}

function zshScript(m: CompletionModel): string {
  const f = fn(m);
  return `#compdef ${m.program}
${header(m, "zsh", `source <(${m.program} completion zsh)`, `${m.program} completion zsh > "\${fpath[1]}/_${m.program}"`)}

${shTables(m)}

${f}() {
  local cur="\${words[CURRENT]}" flag="" cmd i
  cmd="$(${f}_path "\${(@)words[2,CURRENT-1]}")"
  if [[ $cmd == "--" ]]; then
    # After exec's "--": complete the command line that follows as its own.
    i=\${words[(i)--]}
    shift $i words
    (( CURRENT -= i ))
    _normal
    return
  fi
  if [[ $cur == --*=* ]]; then
    flag="\${cur%%=*}"
    compset -P '*='
  elif (( CURRENT > 2 )) && ${f}_takes_value "$cmd" "\${words[CURRENT-1]}"; then
    flag="\${words[CURRENT-1]}"
  fi
  local -a candidates
  if [[ -n $flag ]]; then
    ${f}_takes_value "$cmd" "$flag" || return 1
    candidates=("\${(@f)$(${f}_values "$cmd" "$flag" "\${words[1]}")}")
  elif [[ $cur == -* ]]; then
    candidates=("\${(@f)$(${f}_flags "$cmd")}")
  else
    candidates=("\${(@f)$(${f}_words "$cmd")}")
    (( \${#candidates[@]} == 1 )) && [[ -z \${candidates[1]} ]] && candidates=("\${(@f)$(${f}_flags "$cmd")}")
  fi
  candidates=("\${(@)candidates:#}")
  (( \${#candidates[@]} )) && compadd -- "\${candidates[@]}"
}

if [ "$funcstack[1]" = "_${m.program}" ]; then
  ${f} "$@"
else
  compdef ${f} ${m.program}
fi
`;
}

function fishScript(m: CompletionModel): string {
  const f = fn(m);
  const subs = m.commands.flatMap((c) => c.subcommands.map((s) => q(`${c.path}:${s}`)));
  const valued = m.commands.flatMap((c) => c.flags.filter((x) => x.takesValue).map((x) => q(`${c.path}:${x.name}`)));
  const cases = (pick: (c: CompletionCommand) => string[]): string =>
    m.commands
      .map((c) => `        case ${q(c.path)}\n            ${pick(c).length ? `printf '%s\\n' ${pick(c).map(q).join(" ")}` : "true"}`)
      .join("\n");
  const values = Object.entries(m.values)
    .map(
      ([flag, src]) =>
        `        case ${q(flag)}\n            ${"words" in src ? `printf '%s\\n' ${src.words.map(q).join(" ")}` : `$argv[3] completion ${src.listFlag} 2>/dev/null`}`,
    )
    .join("\n");
  return `${header(m, "fish", `${m.program} completion fish | source`, `${m.program} completion fish > ~/.config/fish/completions/${m.program}.fish`)}

function ${f}_is_subcommand
    switch "$argv[1]:$argv[2]"
        case ${subs.join(" ") || "''"}
            return 0
    end
    return 1
end

function ${f}_takes_value
    switch "$argv[1]:$argv[2]"
        case ${valued.join(" ") || "''"}
            return 0
    end
    return 1
end

function ${f}_words
    switch "$argv[1]"
${cases((c) => [...c.subcommands, ...c.args])}
    end
end

function ${f}_flags
    switch "$argv[1]"
${cases((c) => c.flags.map((x) => x.name))}
    end
end

function ${f}_values
    switch "$argv[2]"
${values}
    end
end

# The command path of the words before the cursor; "--" past exec's "--".
function ${f}_path
    set -l cmd ""
    set -l skip 0
    for w in (commandline -opc)[2..-1]
        if test $skip = 1
            set skip 0
            continue
        end
        switch $w
            case --
                printf '%s\n' --
                return
            case '-*=*'
                continue
            case '-*'
                ${f}_takes_value "$cmd" $w; and set skip 1
                continue
        end
        if ${f}_is_subcommand "$cmd" $w
            if test -z "$cmd"
                set cmd $w
            else
                set cmd "$cmd $w"
            end
        end
    end
    echo $cmd
end

function ${f}_candidates
    set -l cmd (${f}_path)
    set -l cur (commandline -ct)
    set -l prev (commandline -opc)[-1]
    set -l program (commandline -opc)[1]
    if string match -q -- '--*=*' $cur
        set -l flag (string split -m1 = -- $cur)[1]
        ${f}_takes_value "$cmd" $flag; or return
        for v in (${f}_values "$cmd" $flag $program)
            echo "$flag=$v"
        end
    else if ${f}_takes_value "$cmd" "$prev"
        ${f}_values "$cmd" $prev $program
    else if string match -q -- '-*' $cur
        ${f}_flags "$cmd"
    else
        set -l words (${f}_words "$cmd")
        if test -z "$words"
            ${f}_flags "$cmd"
        else
            printf '%s\\n' $words
        end
    end
end

# Past exec's "--" (string match, since test takes "--" for the end of its options).
function ${f}_after_dashdash
    string match -q -- -- (${f}_path)
end

complete -c ${m.program} -n '${f}_after_dashdash' -F
complete -c ${m.program} -n 'not ${f}_after_dashdash' -f -a '(${f}_candidates)'
`;
}

/** A value PowerShell reads as itself when bare (no sigil, quote, bracket, comma, dash-led or splat `@`). */
export const PS_PLAIN = /^[A-Za-z0-9_][A-Za-z0-9_.:\/+=-]*$/;
/** The characters PowerShell's tokenizer takes for a single quote: ' and U+2018, U+2019, U+201A, U+201B. */
export const PS_SINGLE_QUOTES = /['\u2018\u2019\u201A\u201B]/;

function powershellScript(m: CompletionModel): string {
  const ps = (s: string): string => `'${s.replace(/'/g, "''")}'`;
  const arr = (xs: readonly string[]): string => `@(${xs.map(ps).join(", ")})`;
  const table = (pick: (c: CompletionCommand) => readonly string[]): string =>
    `@{\n${m.commands.map((c) => `    ${ps(c.path)} = ${arr(pick(c))}`).join("\n")}\n  }`;
  const values = Object.entries(m.values)
    .map(([flag, src]) => `    ${ps(flag)} = ${"words" in src ? arr(src.words) : ps(src.listFlag)}`)
    .join("\n");
  return `${header(m, "powershell", `${m.program} completion powershell | Out-String | Invoke-Expression`, `${m.program} completion powershell >> $PROFILE`)}

Register-ArgumentCompleter -Native -CommandName ${ps(m.program)} -ScriptBlock {
  param($wordToComplete, $commandAst, $cursorPosition)
  $subcommands = ${table((c) => c.subcommands)}
  $positional = ${table((c) => c.args)}
  $flags = ${table((c) => c.flags.map((x) => x.name))}
  $valued = ${table((c) => c.flags.filter((x) => x.takesValue).map((x) => x.name))}
  $values = @{
${values}
  }
  $elements = @($commandAst.CommandElements | Where-Object { $_.Extent.EndOffset -le $cursorPosition } | ForEach-Object { $_.Extent.Text })
  if ($wordToComplete -ne '' -and $elements.Count -gt 0 -and $elements[-1] -eq $wordToComplete) { $elements = @($elements | Select-Object -SkipLast 1) }
  $program = $elements[0]
  $cmd = ''
  $skip = $false
  foreach ($w in @($elements | Select-Object -Skip 1)) {
    if ($skip) { $skip = $false; continue }
    if ($w -eq '--') { return }
    if ($w.StartsWith('-')) {
      if (-not $w.Contains('=') -and $valued[$cmd] -contains $w) { $skip = $true }
      continue
    }
    if ($subcommands[$cmd] -contains $w) { $cmd = if ($cmd) { "$cmd $w" } else { $w } }
  }
  $prefix = ''
  $current = $wordToComplete
  $flag = $null
  if ($current -match '^(--[^=]+)=(.*)$') { $flag = $Matches[1]; $prefix = "$flag="; $current = $Matches[2] }
  elseif ($elements.Count -gt 1 -and $valued[$cmd] -contains $elements[-1]) { $flag = $elements[-1] }
  if ($flag) {
    if (-not ($valued[$cmd] -contains $flag)) { return }
    $source = $values[$flag]
    if ($source -is [string]) { $candidates = @(& $program completion $source 2>$null) } else { $candidates = @($source) }
  } elseif ($current.StartsWith('-')) {
    $candidates = $flags[$cmd]
  } else {
    $candidates = @($subcommands[$cmd]) + @($positional[$cmd])
    if ($candidates.Count -eq 0) { $candidates = $flags[$cmd] }
  }
  foreach ($c in $candidates) {
    if ($c -and $c.StartsWith($current)) {
      # A value (a profile name from the config file) is inserted as one literal unless plain: in
      # single quotes nothing expands, and each character PowerShell reads as a single quote is doubled.
      $text = "$prefix$c"
      if ($flag -and $c -notmatch '${PS_PLAIN.source}') { $text = "'" + ($text -replace '${PS_SINGLE_QUOTES.source.replace(/'/g, "''")}', '$0$0') + "'" }
      [System.Management.Automation.CompletionResult]::new($text, $c, 'ParameterValue', $c)
    }
  }
}
`;
}
