#include "core/model/event.h"
