// The single entry point to Boost.Asio and Boost.Beast, for src/net and for code that uses its API
// (include this instead of individual Boost headers).
//
// Why a wrapper: GCC 12 reports -Wnull-dereference false positives inside Asio templates once they
// are inlined into our code (e.g. any_io_executor comparison, the epoll reactor), and system-header
// suppression does not apply to such middle-end warnings. The diagnostic pragma below covers the
// Boost code's source locations only, so our own code keeps the warning. A Boost header first
// included elsewhere, outside this region, is not covered; hence the broad set here.
//
// Asio and Beast are compiled once, in asio_impl.cpp (BOOST_ASIO_SEPARATE_COMPILATION, set publicly
// by src/net/CMakeLists.txt together with BOOST_ASIO_NO_DEPRECATED).
#pragma once

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#pragma GCC diagnostic pop
