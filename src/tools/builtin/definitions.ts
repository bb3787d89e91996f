import type { BuiltinToolDefinition } from './catalog.js';

/** Our descriptions; parameter names, types and required lists as Letta's built-in tools have them. */
export const BUILTIN_TOOL_DEFINITIONS: BuiltinToolDefinition[] = [
  {
    "name": "send_message",
    "tool_type": "letta_core",
    "description": "Send a message to the user. This is the only way the user sees what you say.",
    "parameters": {
      "type": "object",
      "properties": {
        "message": {
          "type": "string",
          "description": "The message text shown to the user. Markdown is supported."
        }
      },
      "required": [
        "message"
      ]
    }
  },
  {
    "name": "conversation_search",
    "tool_type": "letta_core",
    "description": "Search the stored history of your conversation with the user, including messages that have left your context window.",
    "parameters": {
      "type": "object",
      "properties": {
        "query": {
          "type": "string",
          "description": "Text to look for. Leave empty to list recent messages."
        },
        "roles": {
          "type": "array",
          "items": {
            "type": "string",
            "enum": [
              "assistant",
              "user",
              "tool"
            ]
          },
          "description": "Only return messages from these roles."
        },
        "limit": {
          "type": "integer",
          "description": "The most results to return."
        },
        "start_date": {
          "type": "string",
          "description": "Only messages on or after this date (ISO 8601, in your timezone)."
        },
        "end_date": {
          "type": "string",
          "description": "Only messages on or before this date (ISO 8601, in your timezone)."
        }
      },
      "required": []
    }
  },
  {
    "name": "archival_memory_insert",
    "tool_type": "letta_core",
    "description": "Store a passage in archival memory, your long-term memory outside the context window, for later semantic search.",
    "parameters": {
      "type": "object",
      "properties": {
        "content": {
          "type": "string",
          "description": "The text to remember. Make it self-contained."
        },
        "tags": {
          "type": "array",
          "items": {
            "type": "string"
          },
          "description": "Optional tags to categorise the passage."
        }
      },
      "required": [
        "content"
      ]
    }
  },
  {
    "name": "archival_memory_search",
    "tool_type": "letta_core",
    "description": "Search archival memory by meaning, optionally filtered by tags and dates.",
    "parameters": {
      "type": "object",
      "properties": {
        "query": {
          "type": "string",
          "description": "What to look for, in natural language."
        },
        "tags": {
          "type": "array",
          "items": {
            "type": "string"
          },
          "description": "Only passages with these tags."
        },
        "tag_match_mode": {
          "type": "string",
          "enum": [
            "any",
            "all"
          ],
          "description": "\"any\" to match passages with at least one tag, \"all\" to require every tag."
        },
        "top_k": {
          "type": "integer",
          "description": "The most results to return."
        },
        "start_datetime": {
          "type": "string",
          "description": "Only passages created at or after this time (ISO 8601)."
        },
        "end_datetime": {
          "type": "string",
          "description": "Only passages created at or before this time (ISO 8601)."
        }
      },
      "required": [
        "query"
      ]
    }
  },
  {
    "name": "core_memory_append",
    "tool_type": "letta_memory_core",
    "description": "Append text to the end of one of your memory blocks.",
    "parameters": {
      "type": "object",
      "properties": {
        "label": {
          "type": "string",
          "description": "The label of the memory block."
        },
        "content": {
          "type": "string",
          "description": "The text to append. Newlines are kept."
        }
      },
      "required": [
        "label",
        "content"
      ]
    }
  },
  {
    "name": "core_memory_replace",
    "tool_type": "letta_memory_core",
    "description": "Replace exact text in one of your memory blocks.",
    "parameters": {
      "type": "object",
      "properties": {
        "label": {
          "type": "string",
          "description": "The label of the memory block."
        },
        "old_content": {
          "type": "string",
          "description": "The exact text to replace."
        },
        "new_content": {
          "type": "string",
          "description": "The text to put in its place; empty to delete."
        }
      },
      "required": [
        "label",
        "old_content",
        "new_content"
      ]
    }
  },
  {
    "name": "memory_replace",
    "tool_type": "letta_sleeptime_core",
    "description": "Replace one exact occurrence of text in a memory block. Do not include line-number prefixes.",
    "parameters": {
      "type": "object",
      "properties": {
        "label": {
          "type": "string",
          "description": "The label of the memory block."
        },
        "old_string": {
          "type": "string",
          "description": "The exact text to replace; it must appear once."
        },
        "new_string": {
          "type": "string",
          "description": "The replacement text; empty to delete."
        }
      },
      "required": [
        "label",
        "old_string",
        "new_string"
      ]
    }
  },
  {
    "name": "memory_insert",
    "tool_type": "letta_sleeptime_core",
    "description": "Insert text into a memory block at a given line (the end by default).",
    "parameters": {
      "type": "object",
      "properties": {
        "label": {
          "type": "string",
          "description": "The label of the memory block."
        },
        "new_string": {
          "type": "string",
          "description": "The text to insert."
        },
        "insert_line": {
          "type": "integer",
          "description": "The line number after which to insert; 0 inserts at the start, -1 (default) at the end."
        }
      },
      "required": [
        "label",
        "new_string"
      ]
    }
  },
  {
    "name": "memory_rethink",
    "tool_type": "letta_sleeptime_core",
    "description": "Rewrite a memory block completely, replacing its whole value.",
    "parameters": {
      "type": "object",
      "properties": {
        "label": {
          "type": "string",
          "description": "The label of the memory block."
        },
        "new_memory": {
          "type": "string",
          "description": "The new full value of the block."
        }
      },
      "required": [
        "label",
        "new_memory"
      ]
    }
  },
  {
    "name": "memory_finish_edits",
    "tool_type": "letta_sleeptime_core",
    "description": "Call when you have finished editing memory.",
    "parameters": {
      "type": "object",
      "properties": {},
      "required": []
    }
  },
  {
    "name": "memory",
    "tool_type": "letta_sleeptime_core",
    "description": "Manage memory blocks as files under /memories: view, create, str_replace, insert, delete or rename.",
    "parameters": {
      "type": "object",
      "properties": {
        "command": {
          "type": "string",
          "description": "One of view, create, str_replace, insert, delete, rename."
        },
        "path": {
          "type": "string",
          "description": "The block path, e.g. /memories/human."
        },
        "file_text": {
          "type": "string",
          "description": "The initial text for create."
        },
        "old_string": {
          "type": "string",
          "description": "The exact text to replace, for str_replace."
        },
        "new_string": {
          "type": "string",
          "description": "The replacement text, for str_replace."
        },
        "insert_line": {
          "type": "integer",
          "description": "The line after which to insert, for insert."
        },
        "insert_text": {
          "type": "string",
          "description": "The text to insert, for insert."
        },
        "old_path": {
          "type": "string",
          "description": "The current path, for rename."
        },
        "new_path": {
          "type": "string",
          "description": "The new path, for rename."
        }
      },
      "required": [
        "command"
      ]
    }
  },
  {
    "name": "memory_apply_patch",
    "tool_type": "letta_sleeptime_core",
    "description": "Apply a unified-diff style patch to a memory block.",
    "parameters": {
      "type": "object",
      "properties": {
        "label": {
          "type": "string",
          "description": "The label of the memory block."
        },
        "patch": {
          "type": "string",
          "description": "The patch: lines starting with \"-\" are removed and \"+\" are added, with \" \" for context."
        }
      },
      "required": [
        "label",
        "patch"
      ]
    }
  },
  {
    "name": "open_files",
    "tool_type": "letta_files_core",
    "description": "Open one or more files from your attached folders into your context, optionally a window of lines; can close the others.",
    "parameters": {
      "type": "object",
      "properties": {
        "file_requests": {
          "type": "array",
          "items": {
            "type": "object",
            "properties": {
              "file_name": {
                "type": "string"
              },
              "offset": {
                "type": "integer"
              },
              "length": {
                "type": "integer"
              }
            },
            "required": [
              "file_name"
            ]
          },
          "description": "The files to open, each with a file_name and optional offset and length in lines."
        },
        "close_all_others": {
          "type": "boolean",
          "description": "Close every other open file first."
        }
      },
      "required": [
        "file_requests"
      ]
    }
  },
  {
    "name": "grep_files",
    "tool_type": "letta_files_core",
    "description": "Search the contents of your attached files with a regular expression.",
    "parameters": {
      "type": "object",
      "properties": {
        "pattern": {
          "type": "string",
          "description": "The regular expression to search for."
        },
        "include": {
          "type": "string",
          "description": "Only files whose name matches this pattern."
        },
        "context_lines": {
          "type": "integer",
          "description": "Lines of context around each match."
        },
        "offset": {
          "type": "integer",
          "description": "Skip this many matches (for paging)."
        }
      },
      "required": [
        "pattern"
      ]
    }
  },
  {
    "name": "semantic_search_files",
    "tool_type": "letta_files_core",
    "description": "Search your attached files by meaning.",
    "parameters": {
      "type": "object",
      "properties": {
        "query": {
          "type": "string",
          "description": "What to look for, in natural language."
        },
        "limit": {
          "type": "integer",
          "description": "The most results to return."
        }
      },
      "required": [
        "query"
      ]
    }
  },
  {
    "name": "web_search",
    "tool_type": "letta_builtin",
    "description": "Search the web and return the top results with their titles, addresses and snippets.",
    "parameters": {
      "type": "object",
      "properties": {
        "query": {
          "type": "string",
          "description": "The search query."
        },
        "num_results": {
          "type": "integer",
          "description": "How many results to return (default 10)."
        }
      },
      "required": [
        "query"
      ]
    }
  },
  {
    "name": "fetch_webpage",
    "tool_type": "letta_builtin",
    "description": "Fetch a web page and return its text content.",
    "parameters": {
      "type": "object",
      "properties": {
        "url": {
          "type": "string",
          "description": "The address of the page to fetch."
        }
      },
      "required": [
        "url"
      ]
    }
  },
  {
    "name": "run_code",
    "tool_type": "letta_builtin",
    "description": "Run a short program in a sandbox and return its output.",
    "parameters": {
      "type": "object",
      "properties": {
        "code": {
          "type": "string",
          "description": "The source code to run."
        },
        "language": {
          "type": "string",
          "enum": [
            "python",
            "js",
            "ts",
            "r",
            "java"
          ],
          "description": "The language of the code."
        }
      },
      "required": [
        "code",
        "language"
      ]
    }
  }
];
