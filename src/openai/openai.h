// Umbrella header for the OpenAI wire-format module (see README.md).
#pragma once

#include "openai/error_body.h"
#include "openai/json_writer.h"
#include "openai/models.h"
#include "openai/request.h"
#include "openai/response.h"
#include "openai/text_generator.h"
#include "openai/tokenizer.h"
