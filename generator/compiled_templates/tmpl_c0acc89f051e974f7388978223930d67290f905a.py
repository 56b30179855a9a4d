from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = '_config.prisma.jinja'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_item = resolve('item')
    pass
    yield str(environment.getattr((undefined(name='item') if l_0_item is missing else l_0_item), 'keyword'))
    yield ' '
    yield str(environment.getattr((undefined(name='item') if l_0_item is missing else l_0_item), 'name'))
    yield ' {\n'
    for l_1_line in environment.getattr((undefined(name='item') if l_0_item is missing else l_0_item), 'lines'):
        _loop_vars = {}
        pass
        if l_1_line:
            pass
            yield '  '
            yield str(l_1_line)
            yield '\n'
        else:
            pass
            yield '\n'
    l_1_line = missing
    yield '}\n'

blocks = {}
debug_info = '3=12&4=16&5=19&6=22'